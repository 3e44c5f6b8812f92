package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Order writes are prepared optimistically: the stored order is read on a reader connection,
// the change is applied, validated and encoded to JSON there, in the caller's goroutine; the
// single writer then only checks that the order is still the version that was read and runs
// the inserts. A concurrent change to the same order (the version moved) or a uniqueness
// conflict sends the write down the careful path, which reads, applies and checks everything
// again inside the transaction. The writer is the one part that cannot run in parallel, so
// keeping decoding, merging and encoding out of it is what lets ingest scale with cores.

// SaveOrder implements status.Store.
func (s *DB) SaveOrder(ctx context.Context, account int64, id status.Identity, createOnly bool, apply func(*status.Order) (*status.Order, error)) (*status.Order, bool, error) {
	change := func(ctx context.Context, q querier) (o, existing *status.Order, err error) {
		existing, err = findByIdentity(ctx, q, account, id)
		if err != nil && !errors.Is(err, status.ErrNotFound) {
			return nil, nil, err
		}
		if existing != nil && createOnly {
			return nil, nil, fmt.Errorf("order %s: %w", existing.OrderNumber, status.ErrConflict)
		}
		o, err = apply(existing)
		return o, existing, err
	}
	current := func(ctx context.Context, tx querier) (storedVersion, error) {
		return currentVersion(ctx, tx, account, id)
	}
	saved, existing, err := s.writeOptimistic(ctx, change, current)
	if err != nil {
		return nil, false, err
	}
	return saved, existing == nil, nil
}

// UpdateOrder implements status.Store.
func (s *DB) UpdateOrder(ctx context.Context, orderID string, fn func(*status.Order) (*status.Order, error)) (*status.Order, error) {
	change := func(ctx context.Context, q querier) (o, prev *status.Order, err error) {
		existing, err := loadOrder(ctx, q, `o.id = ?`, orderID)
		if err != nil {
			return nil, nil, err
		}
		before := existing.Clone()
		o, err = fn(existing)
		return o, &before, err
	}
	current := func(ctx context.Context, tx querier) (storedVersion, error) {
		var cur storedVersion
		err := tx.QueryRowContext(ctx, `SELECT id, version FROM orders WHERE id = ?`, orderID).Scan(&cur.id, &cur.version)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return cur, err
	}
	saved, _, err := s.writeOptimistic(ctx, change, current)
	return saved, err
}

// writeOptimistic stores the order change returns. change reads the stored order through q
// and returns the changed order and the order as read (nil when new); current returns the
// version stored now. change runs first on a reader connection; the writer stores its result
// when current still matches what it read, and otherwise runs change again inside the
// transaction (the careful path).
func (s *DB) writeOptimistic(ctx context.Context, change func(ctx context.Context, q querier) (o, prev *status.Order, err error),
	current func(ctx context.Context, tx querier) (storedVersion, error)) (saved, prev *status.Order, err error) {
	o, prev, err := change(ctx, cachedDB{s})
	if err != nil {
		return nil, nil, err
	}
	w, err := s.prepareWrite(ctx, cachedDB{s}, o, prev)
	if err != nil {
		return nil, nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx querier) error {
		cur, err := current(ctx, tx)
		if err != nil {
			return err
		}
		if done, err := w.tryExec(ctx, tx, cur); done || err != nil {
			saved = o
			return err
		}
		o, p, err := change(ctx, tx)
		if err != nil {
			return err
		}
		saved, prev = o, p
		return s.writeChecked(ctx, tx, o, p)
	})
	if err == nil && saved != nil {
		s.announce(status.OrderChange(saved, prev))
	}
	return saved, prev, err
}

// storedVersion is the id and version of the stored order a write applies to (zero when
// there is none).
type storedVersion struct {
	id      string
	version int64
}

// currentVersion returns the version of the order findByIdentity would find.
func currentVersion(ctx context.Context, q querier, account int64, id status.Identity) (storedVersion, error) {
	var v storedVersion
	for _, c := range identityQueries(account, id) {
		err := q.QueryRowContext(ctx, `SELECT o.id, o.version FROM orders o WHERE `+c.where+` ORDER BY o.seq DESC LIMIT 1`, c.args...).Scan(&v.id, &v.version)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		return v, err
	}
	return v, nil
}

// Order implements status.Store.
func (s *DB) Order(ctx context.Context, id string) (*status.Order, error) {
	// A missing id runs the same one statement as an existing one (the access service's
	// not-found path relies on it).
	return loadOrder(ctx, cachedDB{s}, `o.id = ?`, id)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// identityQuery is one condition on orders o that finds an order by identity.
type identityQuery struct {
	where string
	args  []any
}

// identityQueries lists the conditions that find an order by identity, tried in turn.
func identityQueries(account int64, id status.Identity) []identityQuery {
	if id.ExternalOrderID != "" {
		return []identityQuery{
			{`o.account_id = ? AND o.external_order_id = ?`, []any{account, strings.ToLower(id.ExternalOrderID)}},
			// An order first sent without an external id is found by its number, if it has none.
			{`o.account_id = ? AND o.order_number = ? AND o.client_key = ? AND o.external_order_id IS NULL`, []any{account, id.OrderNumber, id.ClientKey}},
		}
	}
	return []identityQuery{{`o.account_id = ? AND o.order_number = ? AND o.client_key = ?`, []any{account, id.OrderNumber, id.ClientKey}}}
}

func findByIdentity(ctx context.Context, q querier, account int64, id status.Identity) (*status.Order, error) {
	for _, c := range identityQueries(account, id) {
		o, err := loadOrder(ctx, q, c.where, c.args...)
		if errors.Is(err, status.ErrNotFound) {
			continue
		}
		return o, err
	}
	return nil, status.ErrNotFound
}

// loadOrderSQL is loadOrder's statement. CROSS JOIN fixes the join order (the one matched
// order first): otherwise SQLite may walk every checkpoint and filter by order.
func loadOrderSQL(where string) string {
	return `WITH m AS (SELECT o.seq, o.id, o.version, o.created_at, o.updated_at, o.doc FROM orders o WHERE ` + where + ` ORDER BY o.seq DESC LIMIT 1)
		SELECT 0, 0, '', m.id, m.version, m.created_at, m.updated_at, m.doc FROM m
		UNION ALL SELECT 1, t.position, '', t.id, 0, t.tracking_number, t.courier, t.doc FROM m CROSS JOIN trackings t ON t.order_seq = m.seq
		UNION ALL SELECT 2, 0, c.event_timestamp, t.id, c.rowid, c.event_timestamp, c.status_code, c.doc
			FROM m CROSS JOIN trackings t ON t.order_seq = m.seq CROSS JOIN checkpoints c ON c.tracking_seq = t.seq
		ORDER BY 1, 2, 3 DESC, 5 DESC`
}

// loadOrder reads the most recent order matching where, with trackings and checkpoints, in
// one statement (one snapshot, so a write committed meanwhile cannot mix two versions): the
// order's row, then its trackings by position, then its checkpoints newest first. Columns
// that stored documents leave out (storedColumns) are set from their columns.
func loadOrder(ctx context.Context, q querier, where string, args ...any) (*status.Order, error) {
	rows, err := q.QueryContext(ctx, loadOrderSQL(where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var o *status.Order
	var index map[string]int
	for rows.Next() {
		var kind, pos, n int64
		var sortKey, id, a, b string
		var doc sql.RawBytes // valid until the next row: decoded before it
		if err := rows.Scan(&kind, &pos, &sortKey, &id, &n, &a, &b, &doc); err != nil {
			return nil, err
		}
		switch {
		case kind == 0:
			o = &status.Order{}
			if err := json.Unmarshal(doc, o); err != nil {
				return nil, fmt.Errorf("order %s: %w", id, err)
			}
			o.ID, o.Version, o.CreatedAt, o.UpdatedAt = id, n, a, b
		case kind == 1:
			o.Trackings = append(o.Trackings, status.Tracking{})
			t := &o.Trackings[len(o.Trackings)-1]
			if err := json.Unmarshal(doc, t); err != nil {
				return nil, fmt.Errorf("tracking %s: %w", id, err)
			}
			t.ID, t.TrackingNumber, t.Courier = id, a, b
		default:
			if index == nil {
				index = make(map[string]int, len(o.Trackings))
				for i, t := range o.Trackings {
					index[t.ID] = i
				}
			}
			var c status.Checkpoint
			if err := json.Unmarshal(doc, &c); err != nil {
				return nil, fmt.Errorf("checkpoint of tracking %s: %w", id, err)
			}
			c.EventTimestamp, c.StatusCode = a, b
			t := &o.Trackings[index[id]]
			t.Checkpoints = append(t.Checkpoints, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, status.ErrNotFound
	}
	return o, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeChecked stores o (prev is the stored order before the change, nil when new) after
// checking the uniqueness rules one by one, so that a conflict is reported as a validation
// problem that names the other order.
func (s *DB) writeChecked(ctx context.Context, tx querier, o *status.Order, prev *status.Order) error {
	e := &status.ValidationError{}
	if o.ExternalReference != "" {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT order_number FROM orders WHERE account_id = ? AND external_reference = ? AND id <> ?`, o.Account, o.ExternalReference, o.ID).Scan(&other)
		if err == nil {
			e.Add("unique", "external_reference", "Order %s already has this external_reference; it must be unique per account.", other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if err := trackingConflicts(ctx, tx, o, e); err != nil {
		return err
	}
	if err := e.Err(); err != nil {
		return err
	}
	w, err := s.prepareWrite(ctx, tx, o, prev)
	if err != nil {
		return err
	}
	if err := w.exec(ctx, tx); err != nil {
		if isUnique(err, "orders.account_id, orders.external_order_id") {
			return status.Invalid("external_order_id", "Another order of this account already has this external_order_id.")
		}
		return err
	}
	return nil
}

// orderWrite is an order write with its JSON documents encoded, ready to run.
type orderWrite struct {
	o, prev   *status.Order
	doc       string
	email     string
	trackings []trackingWrite
	// callbacks are the outbox events the change causes, sent to callbackURL.
	callbacks   []callback.Change
	callbackURL string
	now         time.Time
}

type trackingWrite struct {
	doc string
	// checkpoints are the new checkpoints' columns after tracking_seq, checkpointCols each.
	checkpoints []any
}

// prepareWrite encodes o for storage. prev is the stored order before the change (nil when
// new); only checkpoints prev does not have are inserted. q reads the account's callback URL.
func (s *DB) prepareWrite(ctx context.Context, q querier, o *status.Order, prev *status.Order) (*orderWrite, error) {
	w := &orderWrite{o: o, prev: prev, now: s.now()}
	trackings := o.Trackings
	o.Trackings = nil
	doc, err := json.Marshal(o)
	o.Trackings = trackings
	if err != nil {
		return nil, err
	}
	w.doc = compactDoc(doc, orderColumns)
	if o.RecipientEmail != status.UnsetEmail {
		w.email = o.RecipientEmail
	}
	w.trackings = make([]trackingWrite, len(o.Trackings))
	for pos := range o.Trackings {
		t := &o.Trackings[pos]
		cps := t.Checkpoints
		t.Checkpoints = nil
		tdoc, err := json.Marshal(t)
		t.Checkpoints = cps
		if err != nil {
			return nil, err
		}
		tw := &w.trackings[pos]
		tw.doc = compactDoc(tdoc, trackingColumns)
		var known map[string]bool
		if prev != nil {
			if pt := prev.Tracking(t.ID); pt != nil {
				known = make(map[string]bool, len(pt.Checkpoints))
				for _, c := range pt.Checkpoints {
					known[c.DedupeKey()] = true
				}
			}
		}
		for _, c := range cps {
			key := c.DedupeKey()
			if known[key] {
				continue
			}
			cdoc, err := json.Marshal(c)
			if err != nil {
				return nil, err
			}
			tw.checkpoints = append(tw.checkpoints, key, c.EventTimestamp, c.StatusCode, compactDoc(cdoc, checkpointColumns))
		}
	}
	if w.callbacks = callback.Changes(prev, o); len(w.callbacks) > 0 {
		target, err := s.callbackTarget(ctx, q, o)
		if err != nil {
			return nil, err
		}
		w.callbackURL = target.url
		w.callbacks = callback.Select(w.callbacks, prev, o, target.mode, target.topics)
	}
	return w, nil
}

// tryExec runs w when the stored order is still the one w was prepared from (cur is what is
// stored now). It reports false, with nothing written, when the careful path must run
// instead: the order changed since, or a uniqueness rule failed.
func (w *orderWrite) tryExec(ctx context.Context, tx querier, cur storedVersion) (bool, error) {
	if w.prev == nil && cur.id != "" || w.prev != nil && (cur.id != w.prev.ID || cur.version != w.prev.Version) {
		return false, nil
	}
	err := w.exec(ctx, tx)
	if err == nil {
		return true, nil
	}
	if !isUnique(err, "") {
		return false, err
	}
	// Undo this write's part of the batch; the careful path reports the conflict properly.
	_, rerr := tx.ExecContext(ctx, `ROLLBACK TO w`)
	return false, rerr
}

// exec inserts or updates the order, its trackings and its new checkpoints, and queues its
// callbacks.
func (w *orderWrite) exec(ctx context.Context, tx querier) error {
	o := w.o
	var seq int64
	var err error
	if w.prev == nil {
		o.Version = 1
		err = tx.QueryRowContext(ctx, `INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference,
			customer_number, recipient_email, order_date, created_at, updated_at, version, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			o.ID, o.Account, o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference),
			nullable(o.CustomerNumber), nullable(w.email), o.OrderDate, o.CreatedAt, o.UpdatedAt, o.Version, w.doc).Scan(&seq)
	} else {
		o.Version = w.prev.Version + 1
		err = tx.QueryRowContext(ctx, `UPDATE orders SET order_number = ?, client_key = ?, external_order_id = ?, external_reference = ?,
			customer_number = ?, recipient_email = ?, order_date = ?, updated_at = ?, version = ?, doc = ? WHERE id = ? RETURNING seq`,
			o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference), nullable(o.CustomerNumber),
			nullable(w.email), o.OrderDate, o.UpdatedAt, o.Version, w.doc, o.ID).Scan(&seq)
	}
	if err != nil {
		return err
	}
	for pos := range o.Trackings {
		t, tw := &o.Trackings[pos], &w.trackings[pos]
		var tseq int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET position = excluded.position, courier = excluded.courier, tracking_number = excluded.tracking_number,
				external_reference = excluded.external_reference, doc = excluded.doc RETURNING seq`,
			t.ID, seq, o.Account, pos, t.Courier, t.TrackingNumber, nullable(t.ExternalReference), tw.doc).Scan(&tseq); err != nil {
			return err
		}
		if err := insertCheckpoints(ctx, tx, tseq, tw.checkpoints); err != nil {
			return err
		}
	}
	if w.callbackURL != "" {
		return enqueueCallbacks(ctx, tx, o, w.callbacks, w.callbackURL, w.now)
	}
	return nil
}

// isUnique reports whether err is a failed UNIQUE constraint (on the given columns, when
// columns is not empty).
func isUnique(err error, columns string) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed: "+columns)
}

// FindTracking implements status.Store.
func (s *DB) FindTracking(ctx context.Context, account int64, courier, number string) (string, string, error) {
	var oid, tid string
	err := s.db.QueryRowContext(ctx, `SELECT o.id, t.id FROM trackings t INDEXED BY trackings_by_account_number JOIN orders o ON o.seq = t.order_seq
		WHERE t.account_id = ? AND t.courier = ? AND t.tracking_number = ?`,
		account, strings.ToLower(courier), number).Scan(&oid, &tid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", status.ErrNotFound
	}
	return oid, tid, err
}

// trackingConflicts reports trackings of o that already belong to another order of the same
// account, with one query for all of them. Other accounts' trackings are never looked at:
// tracking numbers are unique per account and courier.
func trackingConflicts(ctx context.Context, tx querier, o *status.Order, e *status.ValidationError) error {
	if len(o.Trackings) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, 2*len(o.Trackings)+1)
	q.WriteString(`SELECT t.tracking_number, t.courier, o.order_number FROM trackings t JOIN orders o ON o.seq = t.order_seq
		WHERE t.account_id = ? AND o.id <> ? AND (t.tracking_number, t.courier) IN (VALUES `)
	args = append(args, o.Account, o.ID)
	for i, t := range o.Trackings {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?)")
		args = append(args, t.TrackingNumber, t.Courier)
	}
	q.WriteString(")")
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var number, courier, otherOrder string
		if err := rows.Scan(&number, &courier, &otherOrder); err != nil {
			return err
		}
		for i, t := range o.Trackings {
			if t.TrackingNumber != number || t.Courier != courier {
				continue
			}
			attr := fmt.Sprintf("trackings[%d].tracking_number", i)
			e.Add("unique", attr, "Tracking %s of %s already belongs to order %s.", number, courier, otherOrder)
		}
	}
	return rows.Err()
}

// checkpointRows is the most rows one INSERT carries; statements for 1..checkpointRows rows
// are prepared once and reused (one multi-row statement runs much faster than one per row).
const checkpointRows = 16

// checkpointCols is the number of checkpoint columns after tracking_seq.
const checkpointCols = 4

var insertCheckpointSQL = func() [checkpointRows + 1]string {
	var out [checkpointRows + 1]string
	for n := 1; n <= checkpointRows; n++ {
		out[n] = `INSERT OR IGNORE INTO checkpoints (tracking_seq, dedupe_key, event_timestamp, status_code, doc) VALUES (?, ?, ?, ?, ?)` +
			strings.Repeat(", (?, ?, ?, ?, ?)", n-1)
	}
	return out
}()

// insertCheckpoints inserts rows (checkpointCols values each) for the tracking with seq
// trackingSeq, checkpointRows at a time.
func insertCheckpoints(ctx context.Context, tx querier, trackingSeq int64, rows []any) error {
	args := make([]any, 0, (checkpointCols+1)*checkpointRows)
	for len(rows) > 0 {
		n := min(len(rows)/checkpointCols, checkpointRows)
		args = args[:0]
		for i := range n {
			args = append(args, trackingSeq)
			args = append(args, rows[i*checkpointCols:(i+1)*checkpointCols]...)
		}
		if _, err := tx.ExecContext(ctx, insertCheckpointSQL[n], args...); err != nil {
			return err
		}
		rows = rows[checkpointCols*n:]
	}
	return nil
}
