package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// SaveOrder implements status.Store.
func (s *DB) SaveOrder(ctx context.Context, account int64, id status.Identity, createOnly bool, apply func(*status.Order) (*status.Order, error)) (*status.Order, bool, error) {
	var saved *status.Order
	var created bool
	err := s.write(ctx, func(ctx context.Context, tx querier) error {
		existing, err := findByIdentity(ctx, tx, account, id)
		if err != nil && !errors.Is(err, status.ErrNotFound) {
			return err
		}
		if existing != nil && createOnly {
			return fmt.Errorf("order %s: %w", existing.OrderNumber, status.ErrConflict)
		}
		o, err := apply(existing)
		if err != nil {
			return err
		}
		created = existing == nil
		if err := writeOrder(ctx, tx, o, existing); err != nil {
			return err
		}
		if err := s.queueCallbacks(ctx, tx, o, existing); err != nil {
			return err
		}
		saved = o
		return nil
	})
	return saved, created, err
}

// UpdateOrder implements status.Store.
func (s *DB) UpdateOrder(ctx context.Context, orderID string, fn func(*status.Order) (*status.Order, error)) (*status.Order, error) {
	var saved *status.Order
	err := s.write(ctx, func(ctx context.Context, tx querier) error {
		existing, err := loadOrder(ctx, tx, `o.id = ?`, orderID)
		if err != nil {
			return err
		}
		prev := existing.Clone()
		o, err := fn(existing)
		if err != nil {
			return err
		}
		if err := writeOrder(ctx, tx, o, &prev); err != nil {
			return err
		}
		if err := s.queueCallbacks(ctx, tx, o, &prev); err != nil {
			return err
		}
		saved = o
		return nil
	})
	return saved, err
}

// Order implements status.Store.
func (s *DB) Order(ctx context.Context, id string) (*status.Order, error) {
	return loadOrder(ctx, cachedDB{s}, `o.id = ?`, id)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func findByIdentity(ctx context.Context, q querier, account int64, id status.Identity) (*status.Order, error) {
	if id.ExternalOrderID != "" {
		o, err := loadOrder(ctx, q, `o.account_id = ? AND o.external_order_id = ?`, account, strings.ToLower(id.ExternalOrderID))
		if err == nil || !errors.Is(err, status.ErrNotFound) {
			return o, err
		}
		// An order first sent without an external id is found by its number, if it has none.
		return loadOrder(ctx, q, `o.account_id = ? AND o.order_number = ? AND o.client_key = ? AND o.external_order_id IS NULL`, account, id.OrderNumber, id.ClientKey)
	}
	return loadOrder(ctx, q, `o.account_id = ? AND o.order_number = ? AND o.client_key = ?`, account, id.OrderNumber, id.ClientKey)
}

// loadOrder reads the most recent order matching where, with trackings and checkpoints.
func loadOrder(ctx context.Context, q querier, where string, args ...any) (*status.Order, error) {
	var seq int64
	var doc string
	var o status.Order
	err := q.QueryRowContext(ctx, `SELECT o.seq, o.id, o.version, o.created_at, o.updated_at, o.doc FROM orders o WHERE `+where+` ORDER BY o.seq DESC LIMIT 1`, args...).
		Scan(&seq, &o.ID, &o.Version, &o.CreatedAt, &o.UpdatedAt, &doc)
	if errors.Is(err, sql.ErrNoRows) {
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
	if err := loadTrackings(ctx, q, seq, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

func loadTrackings(ctx context.Context, q querier, seq int64, o *status.Order) error {
	rows, err := q.QueryContext(ctx, `SELECT id, doc FROM trackings WHERE order_seq = ? ORDER BY position`, seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	o.Trackings = o.Trackings[:0]
	index := map[string]int{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return err
		}
		var t status.Tracking
		if err := json.Unmarshal([]byte(doc), &t); err != nil {
			return fmt.Errorf("tracking %s: %w", id, err)
		}
		t.ID = id
		index[id] = len(o.Trackings)
		o.Trackings = append(o.Trackings, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if len(o.Trackings) == 0 {
		return nil
	}
	crow, err := q.QueryContext(ctx, `SELECT c.tracking_id, c.doc FROM checkpoints c JOIN trackings t ON t.id = c.tracking_id
		WHERE t.order_seq = ? ORDER BY c.event_timestamp DESC`, seq)
	if err != nil {
		return err
	}
	defer crow.Close()
	for crow.Next() {
		var tid, doc string
		if err := crow.Scan(&tid, &doc); err != nil {
			return err
		}
		var c status.Checkpoint
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			return err
		}
		i := index[tid]
		o.Trackings[i].Checkpoints = append(o.Trackings[i].Checkpoints, c)
	}
	return crow.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeOrder inserts or updates o. prev is the stored order before the change (nil when new).
func writeOrder(ctx context.Context, tx querier, o *status.Order, prev *status.Order) error {
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

	trackings := o.Trackings
	o.Trackings = nil
	doc, err := json.Marshal(o)
	o.Trackings = trackings
	if err != nil {
		return err
	}
	email := ""
	if o.RecipientEmail != status.UnsetEmail {
		email = o.RecipientEmail
	}
	var seq int64
	if prev == nil {
		o.Version = 1
		err = tx.QueryRowContext(ctx, `INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference,
			customer_number, recipient_email, order_date, created_at, updated_at, version, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			o.ID, o.Account, o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference),
			nullable(o.CustomerNumber), nullable(email), o.OrderDate, o.CreatedAt, o.UpdatedAt, o.Version, string(doc)).Scan(&seq)
	} else {
		o.Version = prev.Version + 1
		err = tx.QueryRowContext(ctx, `UPDATE orders SET order_number = ?, client_key = ?, external_order_id = ?, external_reference = ?,
			customer_number = ?, recipient_email = ?, order_date = ?, updated_at = ?, version = ?, doc = ? WHERE id = ? RETURNING seq`,
			o.OrderNumber, o.ClientKey, nullable(o.ExternalOrderID), nullable(o.ExternalReference), nullable(o.CustomerNumber),
			nullable(email), o.OrderDate, o.UpdatedAt, o.Version, string(doc), o.ID).Scan(&seq)
	}
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: orders.account_id, orders.external_order_id") {
			return status.Invalid("external_order_id", "Another order of this account already has this external_order_id.")
		}
		return err
	}
	for pos := range o.Trackings {
		t := &o.Trackings[pos]
		cps := t.Checkpoints
		t.Checkpoints = nil
		tdoc, err := json.Marshal(t)
		t.Checkpoints = cps
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET position = excluded.position, courier = excluded.courier, tracking_number = excluded.tracking_number,
				external_reference = excluded.external_reference, doc = excluded.doc`,
			t.ID, seq, o.Account, pos, t.Courier, t.TrackingNumber, nullable(t.ExternalReference), string(tdoc)); err != nil {
			return err
		}
		var known map[string]bool
		if prev != nil {
			if pt := prev.Tracking(t.ID); pt != nil {
				known = map[string]bool{}
				for _, c := range pt.Checkpoints {
					known[c.DedupeKey()] = true
				}
			}
		}
		if err := insertCheckpoints(ctx, tx, t.ID, cps, known); err != nil {
			return err
		}
	}
	return nil
}

// FindTracking implements status.Store.
func (s *DB) FindTracking(ctx context.Context, courier, number string) (string, string, error) {
	var oid, tid string
	err := s.db.QueryRowContext(ctx, `SELECT o.id, t.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE t.tracking_number = ? AND t.courier = ?`,
		number, strings.ToLower(courier)).Scan(&oid, &tid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", status.ErrNotFound
	}
	return oid, tid, err
}

// trackingConflicts reports trackings of o that already belong to another order, with one
// query for all of them.
func trackingConflicts(ctx context.Context, tx querier, o *status.Order, e *status.ValidationError) error {
	if len(o.Trackings) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, 2*len(o.Trackings)+1)
	q.WriteString(`SELECT t.tracking_number, t.courier, o.order_number, o.account_id FROM trackings t JOIN orders o ON o.seq = t.order_seq
		WHERE o.id <> ? AND (t.tracking_number, t.courier) IN (VALUES `)
	args = append(args, o.ID)
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
		var otherAccount int64
		if err := rows.Scan(&number, &courier, &otherOrder, &otherAccount); err != nil {
			return err
		}
		for i, t := range o.Trackings {
			if t.TrackingNumber != number || t.Courier != courier {
				continue
			}
			attr := fmt.Sprintf("trackings[%d].tracking_number", i)
			if otherAccount == o.Account {
				e.Add("unique", attr, "Tracking %s of %s already belongs to order %s.", number, courier, otherOrder)
			} else {
				e.Add("unique", attr, "Tracking %s of %s already belongs to an order of another account.", number, courier)
			}
		}
	}
	return rows.Err()
}

// checkpointRows is the most rows one INSERT carries; statements for 1..checkpointRows rows
// are prepared once and reused (one multi-row statement runs much faster than one per row).
const checkpointRows = 16

var insertCheckpointSQL = func() [checkpointRows + 1]string {
	var out [checkpointRows + 1]string
	for n := 1; n <= checkpointRows; n++ {
		out[n] = `INSERT OR IGNORE INTO checkpoints (tracking_id, dedupe_key, event_timestamp, status_code, doc) VALUES (?, ?, ?, ?, ?)` +
			strings.Repeat(", (?, ?, ?, ?, ?)", n-1)
	}
	return out
}()

// insertCheckpoints stores the checkpoints not in known.
func insertCheckpoints(ctx context.Context, tx querier, trackingID string, cps []status.Checkpoint, known map[string]bool) error {
	args := make([]any, 0, 5*checkpointRows)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, insertCheckpointSQL[len(args)/5], args...)
		args = args[:0]
		return err
	}
	for _, c := range cps {
		key := c.DedupeKey()
		if known[key] {
			continue
		}
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		args = append(args, trackingID, key, c.EventTimestamp, c.StatusCode, string(doc))
		if len(args) == 5*checkpointRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
