package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// callbackURLTTL bounds how long an account's callback settings (URL, mode, topics) are
// served from memory: a change made through this process applies at once, one made by
// another process (orderstatus account set against the same file) within this time.
const callbackURLTTL = 5 * time.Second

// cachedCallbackURL is an account's callback settings as the write path needs them.
type cachedCallbackURL struct {
	url     string
	mode    string
	topics  []string
	expires time.Time
}

// callbackTarget returns where o's callbacks go (the order's callback URL, else its
// account's, else "" for no callbacks) and the account's callback mode and topics.
func (s *DB) callbackTarget(ctx context.Context, q querier, o *status.Order) (cachedCallbackURL, error) {
	now := time.Now()
	s.callbackURLs.mu.Lock()
	c, ok := s.callbackURLs.m[o.Account]
	s.callbackURLs.mu.Unlock()
	if ok && now.Before(c.expires) {
		s.cacheStats.callbackURLHits.Add(1)
	} else {
		s.cacheStats.callbackURLMisses.Add(1)
		var settings string
		if err := q.QueryRowContext(ctx, `SELECT settings FROM accounts WHERE id = ?`, o.Account).Scan(&settings); err != nil {
			return c, fmt.Errorf("callback target of account %d: %w", o.Account, err)
		}
		var st status.Account
		if err := status.DecodeAccountSettings(settings, &st); err != nil {
			return c, err
		}
		c = cachedCallbackURL{st.CallbackURL, st.CallbackMode, st.CallbackTopics, now.Add(callbackURLTTL)}
		s.callbackURLs.mu.Lock()
		if s.callbackURLs.m == nil {
			s.callbackURLs.m = map[int64]cachedCallbackURL{}
		}
		s.callbackURLs.m[o.Account] = c
		s.callbackURLs.mu.Unlock()
	}
	if o.CallbackURL != "" {
		c.url = o.CallbackURL
	}
	return c, nil
}

// forgetCallbackURL drops an account's cached callback URL after a change.
func (s *DB) forgetCallbackURL(account int64) {
	s.callbackURLs.mu.Lock()
	delete(s.callbackURLs.m, account)
	s.callbackURLs.mu.Unlock()
}

// enqueueCallbacks writes the callback events of a change to o into the outbox, in the
// caller's transaction, so that an event exists exactly when its change was committed.
func enqueueCallbacks(ctx context.Context, tx querier, o *status.Order, changes []callback.Change, target string, now time.Time) error {
	// The payload is the order exactly as GET /v4/track/orders/{id}/ returns it after this
	// change, its derived state as of now.
	saved, err := loadOrder(ctx, tx, `o.id = ?`, o.ID)
	if err != nil {
		return err
	}
	payload, err := callback.Body(saved, now)
	if err != nil {
		return err
	}
	created, expires := status.FormatTimestamp(now), status.FormatTimestamp(now.Add(callback.MaxAge))
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO callbacks (id, account_id, order_id, tracking_id, event, url, payload, created_at, expires_at, next_attempt_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			status.NewID("dlv"), o.Account, o.ID, nullable(c.TrackingID), c.Event, target, string(payload), created, expires, created); err != nil {
			return err
		}
	}
	return nil
}

const interruptedAttempt = "interrupted: no outcome before the lease expired (the process stopped during the attempt)"

// ClaimCallbacks implements callback.Store: it leases up to limit pending deliveries that are
// due at now and not leased by a live worker. A delivery whose previous lease expired without
// an outcome gets that attempt logged as interrupted.
func (s *DB) ClaimCallbacks(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]callback.Job, error) {
	var jobs []callback.Job
	err := s.write(ctx, func(ctx context.Context, tx querier) error {
		jobs = jobs[:0]
		ts := status.FormatTimestamp(now)
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.account_id, c.event, c.url, c.payload, a.callback_secret, c.attempts, c.created_at, c.expires_at,
				COALESCE(c.claimed_at, ''), COALESCE(c.locked_until, '')
			FROM callbacks c JOIN accounts a ON a.id = c.account_id
			WHERE c.state = 'pending' AND c.next_attempt_at <= ? AND (c.locked_until IS NULL OR c.locked_until <= ?)
			ORDER BY c.next_attempt_at, c.seq LIMIT ?`, ts, ts, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		type stale struct {
			id             string
			attempt        int
			claimed, until string
		}
		var stales []stale
		for rows.Next() {
			var j callback.Job
			var payload, created, expires, claimed, until, secret string
			var account int64
			if err := rows.Scan(&j.ID, &account, &j.Event, &j.URL, &payload, &secret, &j.Attempt, &created, &expires, &claimed, &until); err != nil {
				return err
			}
			if j.Secret, err = s.key.OpenCallbackSecret(account, secret); err != nil {
				return err
			}
			if until != "" {
				stales = append(stales, stale{j.ID, j.Attempt, claimed, until})
			}
			j.Payload = []byte(payload)
			j.Attempt++
			j.CreatedAt, _ = status.ParseTimestamp(created)
			j.ExpiresAt, _ = status.ParseTimestamp(expires)
			j.Lease = status.NewID("lease")
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for _, st := range stales {
			c, _ := status.ParseTimestamp(st.claimed)
			u, _ := status.ParseTimestamp(st.until)
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO callback_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
				VALUES (?, ?, ?, ?, NULL, ?)`, st.id, st.attempt, st.claimed, u.Sub(c).Milliseconds(), interruptedAttempt); err != nil {
				return err
			}
		}
		until := status.FormatTimestamp(now.Add(lease))
		for _, j := range jobs {
			if _, err := tx.ExecContext(ctx, `UPDATE callbacks SET attempts = ?, locked_until = ?, lease = ?, claimed_at = ? WHERE id = ?`,
				j.Attempt, until, j.Lease, ts, j.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// FinishCallback implements callback.Store: it logs the attempt and applies its outcome. A
// worker whose lease was taken over by another only logs its attempt, unless it delivered.
func (s *DB) FinishCallback(ctx context.Context, j callback.Job, o callback.Outcome) error {
	return s.write(ctx, func(ctx context.Context, tx querier) error {
		a := o.Attempt
		var code any
		if a.StatusCode != 0 {
			code = a.StatusCode
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO callback_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
			VALUES (?, ?, ?, ?, ?, ?)`, j.ID, a.No, a.At, a.DurationMS, code, a.Error); err != nil {
			return err
		}
		var err error
		if o.State == callback.Delivered {
			_, err = tx.ExecContext(ctx, `UPDATE callbacks SET state = 'delivered', delivered_at = ?, locked_until = NULL, lease = NULL, claimed_at = NULL,
				last_status = ?, last_error = '' WHERE id = ?`, a.At, code, j.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE callbacks SET state = ?, next_attempt_at = ?, locked_until = NULL, lease = NULL, claimed_at = NULL,
				last_status = ?, last_error = ? WHERE id = ? AND lease = ? AND state = 'pending'`,
				o.State, status.FormatTimestamp(o.Next), code, a.Error, j.ID, j.Lease)
		}
		return err
	})
}

const deliveryCols = `id, order_id, COALESCE(tracking_id, ''), event, url, state, created_at, next_attempt_at, expires_at, COALESCE(delivered_at, '')`

// CallbackDeliveries returns the delivery log of an order, newest first, each with its
// attempts in order (API and support console).
func (s *DB) CallbackDeliveries(ctx context.Context, orderID string) ([]callback.Delivery, error) {
	out, err := s.deliveries(ctx, `order_id = ? ORDER BY seq DESC`, orderID)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(out))
	for i, d := range out {
		index[d.ID] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.delivery_id, a.attempt, a.started_at, a.duration_ms, COALESCE(a.status_code, 0), a.error
		FROM callback_attempts a JOIN callbacks c ON c.id = a.delivery_id WHERE c.order_id = ? ORDER BY a.delivery_id, a.attempt`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var a callback.Attempt
		if err := rows.Scan(&id, &a.No, &a.At, &a.DurationMS, &a.StatusCode, &a.Error); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Attempts = append(out[i].Attempts, a)
		}
	}
	return out, rows.Err()
}

// CallbackDelivery returns one delivery without its attempts.
func (s *DB) CallbackDelivery(ctx context.Context, id string) (callback.Delivery, error) {
	ds, err := s.deliveries(ctx, `id = ?`, id)
	if err != nil {
		return callback.Delivery{}, err
	}
	if len(ds) == 0 {
		return callback.Delivery{}, status.ErrNotFound
	}
	return ds[0], nil
}

func (s *DB) deliveries(ctx context.Context, where string, args ...any) ([]callback.Delivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryCols+` FROM callbacks WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []callback.Delivery{}
	for rows.Next() {
		var d callback.Delivery
		if err := rows.Scan(&d.ID, &d.OrderID, &d.TrackingID, &d.Event, &d.URL, &d.State, &d.CreatedAt, &d.NextAttemptAt, &d.ExpiresAt, &d.DeliveredAt); err != nil {
			return nil, err
		}
		if d.State != callback.Pending {
			d.NextAttemptAt = ""
		}
		d.Attempts = []callback.Attempt{}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RetryCallback queues a delivery again now: a pending one keeps its expiry, a failed or
// delivered one gets a fresh callback.MaxAge. It returns the delivery as queued.
func (s *DB) RetryCallback(ctx context.Context, id string) (callback.Delivery, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE callbacks SET expires_at = CASE WHEN state = 'pending' THEN expires_at ELSE ? END,
		state = 'pending', next_attempt_at = ?, delivered_at = NULL WHERE id = ?`,
		status.FormatTimestamp(now.Add(callback.MaxAge)), status.FormatTimestamp(now), id)
	if err != nil {
		return callback.Delivery{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return callback.Delivery{}, fmt.Errorf("delivery %s: %w", id, status.ErrNotFound)
	}
	return s.CallbackDelivery(ctx, id)
}

// ClaimRefresh records a carrier live refresh of a tracking at now, unless one was recorded
// less than every ago; it reports whether the caller may ask the carrier. Kept in the
// database so that the limit holds across processes and restarts.
func (s *DB) ClaimRefresh(ctx context.Context, trackingID string, now time.Time, every time.Duration) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO carrier_refreshes (tracking_id, refreshed_at) VALUES (?, ?)
		ON CONFLICT (tracking_id) DO UPDATE SET refreshed_at = excluded.refreshed_at WHERE carrier_refreshes.refreshed_at <= ?`,
		trackingID, status.FormatTimestamp(now), status.FormatTimestamp(now.Add(-every)))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// OutboxPending counts the callbacks not yet delivered nor given up, and returns when the
// oldest of them was written (zero when none is pending).
func (s *DB) OutboxPending(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM callbacks WHERE state = 'pending'`).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, oldest.String)
	return n, t, err
}
