package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Order writes are prepared optimistically, as in internal/sqlite: the stored order is read
// outside any transaction, the change applied, validated and encoded in the caller's
// goroutine. The transaction then locks the stored order (its row, and advisory locks on the
// identity it is found by, which also cover an order that does not exist yet) and stores the
// prepared write when the version it was prepared from is still the stored one. Otherwise it
// takes the careful path: read, apply and check everything again under the locks. A
// uniqueness race with another order (both claim one tracking number) aborts the
// transaction; it runs again, and the check then names the order that won.

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
	current := func(ctx context.Context, tx pgx.Tx) (storedVersion, error) {
		return lockIdentity(ctx, tx, account, id)
	}
	saved, existing, err := s.writeOptimistic(ctx, change, current)
	if err != nil {
		return nil, false, err
	}
	return saved, existing == nil, nil
}

// identityLocks are the advisory lock keys of an identity, in the order they are taken: the
// external order id first, then the order number. Two writes that could find the same order
// share at least one key (an order sent with an external id may be found by its number). A
// key is a 64-bit hash; two identities that share one only wait for each other.
func identityLocks(account int64, id status.Identity) []int64 {
	var keys []int64
	if id.ExternalOrderID != "" {
		keys = append(keys, lockKey("order-ext", strconv.FormatInt(account, 10), strings.ToLower(id.ExternalOrderID)))
	}
	return append(keys, lockKey("order-number", strconv.FormatInt(account, 10), id.OrderNumber, id.ClientKey))
}

// lockKey hashes parts (FNV-1a, each part ended by a NUL byte) into an advisory lock key.
func lockKey(parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// UpdateOrder implements status.Store.
func (s *DB) UpdateOrder(ctx context.Context, orderID string, fn func(*status.Order) (*status.Order, error)) (*status.Order, error) {
	change := func(ctx context.Context, q querier) (o, prev *status.Order, err error) {
		existing, err := loadOrder(ctx, q, `o.id = $1`, orderID)
		if err != nil {
			return nil, nil, err
		}
		before := existing.Clone()
		o, err = fn(existing)
		return o, &before, err
	}
	current := func(ctx context.Context, tx pgx.Tx) (storedVersion, error) {
		var cur storedVersion
		err := tx.QueryRow(ctx, `SELECT id, version FROM orders WHERE id = $1 FOR UPDATE`, orderID).Scan(&cur.id, &cur.version)
		if errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
		return cur, err
	}
	saved, _, err := s.writeOptimistic(ctx, change, current)
	return saved, err
}

// writeOptimistic stores the order change returns. change reads the stored order through q
// and returns the changed order and the order as read (nil when new); current locks the
// stored order in tx and returns its version.
func (s *DB) writeOptimistic(ctx context.Context, change func(ctx context.Context, q querier) (o, prev *status.Order, err error),
	current func(ctx context.Context, tx pgx.Tx) (storedVersion, error)) (saved, prev *status.Order, err error) {
	o, p, err := change(ctx, s.pool)
	if err != nil {
		return nil, nil, err
	}
	w, err := prepareWrite(o, p, s.now(), s.channel)
	if err != nil {
		return nil, nil, err
	}
	for attempt := 1; ; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			cur, err := current(ctx, tx)
			if err != nil {
				return err
			}
			if w != nil {
				if done, err := w.tryExec(ctx, tx, cur); done || err != nil {
					saved, prev = o, p
					return err
				}
			}
			o, p, err := change(ctx, tx)
			if err != nil {
				return err
			}
			saved, prev = o, p
			return writeChecked(ctx, tx, o, p, s.now(), s.channel)
		})
		if attempt == maxTxAttempts || !(retryable(err) || uniqueViolation(err) != "") {
			break
		}
		w = nil // the prepared write lost a race; go the careful path
	}
	if c := uniqueViolation(err); c != "" {
		return nil, nil, status.Invalid(uniqueAttr(c), "Another order of this account already has this value.")
	}
	if err != nil {
		return nil, nil, err
	}
	s.Announce(status.OrderChange(saved, prev))
	return saved, prev, nil
}

func uniqueAttr(constraint string) string {
	switch constraint {
	case "orders_by_external_id":
		return "external_order_id"
	case "orders_by_external_ref":
		return "external_reference"
	case "trackings_by_account_number":
		return "trackings"
	}
	return "order"
}

// storedVersion is the id and version of the stored order a write applies to (zero when
// there is none).
type storedVersion struct {
	id      string
	version int64
}

// lockIdentity takes the advisory locks of an identity and then locks and returns the
// version of the order findByIdentity would find. The locks and the first lookup go as one
// batch; each statement still runs after the one before, so the lookup sees what a write
// that held the locks committed.
func lockIdentity(ctx context.Context, tx pgx.Tx, account int64, id status.Identity) (storedVersion, error) {
	var v storedVersion
	b := &pgx.Batch{}
	for _, key := range identityLocks(account, id) {
		b.Queue(`SELECT pg_advisory_xact_lock($1)`, key)
	}
	qs := identityQueries(account, id)
	found := false
	b.Queue(`SELECT o.id, o.version FROM orders o WHERE `+qs[0].where+` ORDER BY o.seq DESC LIMIT 1 FOR UPDATE`, qs[0].args...).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&v.id, &v.version)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil || found {
		return v, err
	}
	for _, c := range qs[1:] {
		err := tx.QueryRow(ctx, `SELECT o.id, o.version FROM orders o WHERE `+c.where+` ORDER BY o.seq DESC LIMIT 1 FOR UPDATE`, c.args...).Scan(&v.id, &v.version)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		return v, err
	}
	return v, nil
}

// Order implements status.Store.
func (s *DB) Order(ctx context.Context, id string) (*status.Order, error) {
	return loadOrder(ctx, s.pool, `o.id = $1`, id)
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
			{`o.account_id = $1 AND o.external_order_id = $2`, []any{account, strings.ToLower(id.ExternalOrderID)}},
			// An order first sent without an external id is found by its number, if it has none.
			{`o.account_id = $1 AND o.order_number = $2 AND o.client_key = $3 AND o.external_order_id IS NULL`, []any{account, id.OrderNumber, id.ClientKey}},
		}
	}
	return []identityQuery{{`o.account_id = $1 AND o.order_number = $2 AND o.client_key = $3`, []any{account, id.OrderNumber, id.ClientKey}}}
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

// loadOrderSQL is the query of loadOrder.
func loadOrderSQL(where string) string {
	return `SELECT o.id, o.version, o.created_at, o.updated_at, o.doc,
			(SELECT json_agg(json_build_array(t.id, t.doc, t.tracking_number, t.courier) ORDER BY t.position) FROM trackings t WHERE t.order_seq = o.seq),
			(SELECT json_agg(json_build_array(t.id, c.doc, c.event_timestamp, c.status_code) ORDER BY c.event_timestamp DESC, c.seq DESC)
				FROM trackings t JOIN checkpoints c ON c.tracking_seq = t.seq WHERE t.order_seq = o.seq)
		FROM orders o WHERE ` + where + ` ORDER BY o.seq DESC LIMIT 1`
}

// loadOrder reads the most recent order matching where, with trackings and checkpoints, in
// one statement: one round trip, and one snapshot, so a write committed meanwhile cannot mix
// two versions. Trackings come as JSON arrays of [tracking id, document, tracking number,
// courier], checkpoints as [tracking id, document, event timestamp, status code]: the values
// in columns are set from the columns, since documents copied from SQLite (copy-db) leave
// them out.
func loadOrder(ctx context.Context, q querier, where string, args ...any) (*status.Order, error) {
	var o status.Order
	var doc string
	var trackingsJSON, checkpointsJSON []byte
	err := q.QueryRow(ctx, loadOrderSQL(where), args...).
		Scan(&o.ID, &o.Version, &o.CreatedAt, &o.UpdatedAt, &doc, &trackingsJSON, &checkpointsJSON)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, status.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	id, version, created, updated := o.ID, o.Version, o.CreatedAt, o.UpdatedAt
	if err := json.Unmarshal([]byte(doc), &o); err != nil {
		return nil, fmt.Errorf("order %s: %w", id, err)
	}
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = id, version, created, updated
	o.Trackings = nil
	var rows [][4]string
	if trackingsJSON != nil {
		if err := json.Unmarshal(trackingsJSON, &rows); err != nil {
			return nil, fmt.Errorf("trackings of order %s: %w", id, err)
		}
	}
	index := make(map[string]int, len(rows))
	for _, r := range rows {
		var t status.Tracking
		if err := json.Unmarshal([]byte(r[1]), &t); err != nil {
			return nil, fmt.Errorf("tracking %s: %w", r[0], err)
		}
		t.ID, t.TrackingNumber, t.Courier = r[0], r[2], r[3]
		index[t.ID] = len(o.Trackings)
		o.Trackings = append(o.Trackings, t)
	}
	rows = rows[:0]
	if checkpointsJSON != nil {
		if err := json.Unmarshal(checkpointsJSON, &rows); err != nil {
			return nil, fmt.Errorf("checkpoints of order %s: %w", id, err)
		}
	}
	for _, r := range rows {
		var c status.Checkpoint
		if err := json.Unmarshal([]byte(r[1]), &c); err != nil {
			return nil, err
		}
		c.EventTimestamp, c.StatusCode = r[2], r[3]
		if i, ok := index[r[0]]; ok {
			o.Trackings[i].Checkpoints = append(o.Trackings[i].Checkpoints, c)
		}
	}
	return &o, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeChecked stores o (prev is the stored order before the change, nil when new) after
// checking the uniqueness rules, so that a conflict is reported as a validation problem that
// names the other order.
func writeChecked(ctx context.Context, tx pgx.Tx, o *status.Order, prev *status.Order, now time.Time, channel string) error {
	e := &status.ValidationError{}
	if o.ExternalReference != "" {
		var other string
		err := tx.QueryRow(ctx, `SELECT order_number FROM orders WHERE account_id = $1 AND external_reference = $2 AND id <> $3`, o.Account, o.ExternalReference, o.ID).Scan(&other)
		if err == nil {
			e.Add("unique", "external_reference", "Order %s already has this external_reference; it must be unique per account.", other)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	if err := trackingConflicts(ctx, tx, o, e); err != nil {
		return err
	}
	if err := e.Err(); err != nil {
		return err
	}
	w, err := prepareWrite(o, prev, now, channel)
	if err != nil {
		return err
	}
	if err := w.exec(ctx, tx); err != nil {
		if uniqueViolation(err) == "orders_by_external_id" {
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
	// callbacks are the outbox events the change causes.
	callbacks []callback.Change
	now       time.Time
	// channel is where the write is announced (Listen).
	channel string
}

type trackingWrite struct {
	doc string
	// The new checkpoints' columns, one slice per column (sent as arrays and unnested).
	// Dedupe keys are bytea: they separate their parts with NUL, which text cannot hold.
	keys                    [][]byte
	timestamps, codes, docs []string
}

// prepareWrite encodes o for storage. prev is the stored order before the change (nil when
// new); only checkpoints prev does not have are inserted.
func prepareWrite(o *status.Order, prev *status.Order, now time.Time, channel string) (*orderWrite, error) {
	w := &orderWrite{o: o, prev: prev, now: now, channel: channel}
	trackings := o.Trackings
	o.Trackings = nil
	doc, err := json.Marshal(o)
	o.Trackings = trackings
	if err != nil {
		return nil, err
	}
	w.doc = string(doc)
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
		tw.doc = string(tdoc)
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
			tw.keys = append(tw.keys, []byte(key))
			tw.timestamps = append(tw.timestamps, c.EventTimestamp)
			tw.codes = append(tw.codes, c.StatusCode)
			tw.docs = append(tw.docs, string(cdoc))
		}
	}
	w.callbacks = callback.Changes(prev, o)
	return w, nil
}

// tryExec runs w when the stored order is still the one w was prepared from (cur is what is
// stored now). It reports false, with nothing written, when the careful path must run
// instead because the order changed since. A uniqueness rule that fails aborts the
// transaction: writeOptimistic runs it again on the careful path, which reports the conflict.
func (w *orderWrite) tryExec(ctx context.Context, tx pgx.Tx, cur storedVersion) (bool, error) {
	if w.prev == nil && cur.id != "" || w.prev != nil && (cur.id != w.prev.ID || cur.version != w.prev.Version) {
		return false, nil
	}
	return true, w.exec(ctx, tx)
}

// exec inserts or updates the order, its trackings and its new checkpoints, and queues its
// callbacks. The statements go to the server as one batch (one round trip); trackings and
// checkpoints find the seq of their parent row by its id.
func (w *orderWrite) exec(ctx context.Context, tx pgx.Tx) error {
	o := w.o
	b := &pgx.Batch{}
	if w.prev == nil {
		o.Version = 1
		b.Queue(`INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference,
			customer_number, recipient_email, order_date, created_at, updated_at, version, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			o.ID, o.Account, o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference),
			nullable(o.CustomerNumber), nullable(w.email), o.OrderDate, o.CreatedAt, o.UpdatedAt, o.Version, w.doc)
	} else {
		o.Version = w.prev.Version + 1
		b.Queue(`UPDATE orders SET order_number = $1, client_key = $2, external_order_id = $3, external_reference = $4,
			customer_number = $5, recipient_email = $6, order_date = $7, updated_at = $8, version = $9, doc = $10 WHERE id = $11`,
			o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference), nullable(o.CustomerNumber),
			nullable(w.email), o.OrderDate, o.UpdatedAt, o.Version, w.doc, o.ID).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("order %s: %w", o.ID, status.ErrNotFound)
			}
			return nil
		})
	}
	for pos := range o.Trackings {
		t, tw := &o.Trackings[pos], &w.trackings[pos]
		b.Queue(`INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
			VALUES ($1, (SELECT seq FROM orders WHERE id = $2), $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET position = excluded.position, courier = excluded.courier, tracking_number = excluded.tracking_number,
				external_reference = excluded.external_reference, doc = excluded.doc`,
			t.ID, o.ID, o.Account, pos, t.Courier, t.TrackingNumber, nullable(t.ExternalReference), tw.doc)
		if len(tw.keys) == 0 {
			continue
		}
		// One statement for all new checkpoints; WITH ORDINALITY keeps their order, which
		// breaks ties between equal timestamps when they are read back.
		b.Queue(`INSERT INTO checkpoints (tracking_seq, dedupe_key, event_timestamp, status_code, doc)
			SELECT (SELECT seq FROM trackings WHERE id = $1), k, ts, code, d
			FROM unnest($2::bytea[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS c(k, ts, code, d, n)
			ORDER BY n ON CONFLICT (tracking_seq, dedupe_key) DO NOTHING`,
			t.ID, tw.keys, tw.timestamps, tw.codes, tw.docs)
	}
	queueNotify(b, w.channel, status.OrderChange(o, w.prev))
	// The account's callback URL, mode and topics, read in the same transaction, so that a
	// change made through any instance applies to the next write at once.
	target := o.CallbackURL
	var st status.Account
	if len(w.callbacks) > 0 {
		b.Queue(`SELECT settings FROM accounts WHERE id = $1`, o.Account).QueryRow(func(row pgx.Row) error {
			var settings string
			if err := row.Scan(&settings); err != nil {
				return fmt.Errorf("callback target of account %d: %w", o.Account, err)
			}
			return status.DecodeAccountSettings(settings, &st)
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if target == "" {
		target = st.CallbackURL
	}
	changes := callback.Select(w.callbacks, w.prev, o, st.CallbackMode, st.CallbackTopics)
	if len(changes) == 0 || target == "" {
		return nil
	}
	return enqueueCallbacks(ctx, tx, o, changes, target, w.now)
}

// FindTracking implements status.Store.
func (s *DB) FindTracking(ctx context.Context, account int64, courier, number string) (string, string, error) {
	var oid, tid string
	err := s.pool.QueryRow(ctx, `SELECT o.id, t.id FROM trackings t JOIN orders o ON o.seq = t.order_seq
		WHERE t.account_id = $1 AND t.courier = $2 AND t.tracking_number = $3`,
		account, strings.ToLower(courier), number).Scan(&oid, &tid)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", status.ErrNotFound
	}
	return oid, tid, err
}

// trackingConflicts reports trackings of o that already belong to another order of the same
// account, with one query for all of them. Other accounts' trackings are never looked at.
func trackingConflicts(ctx context.Context, tx querier, o *status.Order, e *status.ValidationError) error {
	if len(o.Trackings) == 0 {
		return nil
	}
	numbers := make([]string, len(o.Trackings))
	couriers := make([]string, len(o.Trackings))
	for i, t := range o.Trackings {
		numbers[i], couriers[i] = t.TrackingNumber, t.Courier
	}
	rows, err := tx.Query(ctx, `SELECT t.tracking_number, t.courier, o.order_number FROM trackings t JOIN orders o ON o.seq = t.order_seq
		WHERE t.account_id = $1 AND o.id <> $2 AND (t.tracking_number, t.courier) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
		o.Account, o.ID, numbers, couriers)
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
