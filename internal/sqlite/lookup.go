package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// recent orders a match set by the order date, then by creation (DESIGN §4). Lookups name
// their index (INDEXED BY): otherwise SQLite may prefer orders_by_date to avoid the sort and
// walk every order of the account (seen: 45 ms instead of 0.5 ms with 100,000 orders).
const recent = ` ORDER BY o.order_date DESC, o.seq DESC LIMIT ?`

// FindOrderIDs implements status.Store. Every branch is served by an index.
func (s *DB) FindOrderIDs(ctx context.Context, l status.Lookup, limit int) ([]string, error) {
	query, args, err := lookupQuery(l, limit)
	if err != nil {
		return nil, err
	}
	rows, err := cachedDB{s}.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func lookupQuery(l status.Lookup, limit int) (string, []any, error) {
	var query string
	var args []any
	switch l.Kind {
	case status.ByOrderNumber:
		switch {
		case l.Account == 0:
			// The shopper search: one number, every account.
			query = `SELECT o.id FROM orders o INDEXED BY orders_by_number_any WHERE lower(o.order_number) = ?` + recent
			args = []any{status.OrderNumberKey(l.Value)}
		case l.ClientKey != "":
			query = `SELECT o.id FROM orders o INDEXED BY orders_by_number_key WHERE o.account_id = ? AND lower(o.order_number) = ? AND o.client_key = ?` + recent
			args = []any{l.Account, status.OrderNumberKey(l.Value), l.ClientKey}
		default:
			query = `SELECT o.id FROM orders o INDEXED BY orders_by_number_key WHERE o.account_id = ? AND lower(o.order_number) = ?` + recent
			args = []any{l.Account, status.OrderNumberKey(l.Value)}
		}
	case status.ByExternalOrderID:
		query = `SELECT o.id FROM orders o INDEXED BY orders_by_external_id WHERE o.account_id = ? AND o.external_order_id = ?` + recent
		args = []any{l.Account, strings.ToLower(l.Value)}
	case status.ByExternalReference:
		query = `SELECT o.id FROM orders o WHERE o.seq IN (
				SELECT seq FROM orders WHERE account_id = ? AND external_reference = ?
				UNION SELECT order_seq FROM trackings WHERE account_id = ? AND external_reference = ?)` + recent
		args = []any{l.Account, l.Value, l.Account, l.Value}
	case status.ByTrackingNumber:
		query = `SELECT o.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE replace(t.tracking_number, ' ', '') = ? AND t.courier = ?`
		args = []any{status.TrackingNumberKey(l.Value), strings.ToLower(l.Courier)}
		if l.Account != 0 {
			query += ` AND t.account_id = ?`
			args = append(args, l.Account)
		}
		query += recent
	case status.ByCustomerNumber:
		query = `SELECT o.id FROM orders o INDEXED BY orders_by_customer WHERE o.account_id = ? AND o.customer_number = ?` + recent
		args = []any{l.Account, l.Value}
	case status.ByRecipientEmail:
		query = `SELECT o.id FROM orders o INDEXED BY orders_by_email WHERE o.account_id = ? AND lower(o.recipient_email) = ? AND o.recipient_email IS NOT NULL` + recent
		args = []any{l.Account, status.NormalizeEmail(l.Value)}
	case status.ByTrackingID:
		query = `SELECT o.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE t.id = ?`
		args = []any{l.Value}
		if l.Account != 0 {
			query += ` AND o.account_id = ?`
			args = append(args, l.Account)
		}
		query += recent
	default:
		return "", nil, fmt.Errorf("unknown lookup %q", l.Kind)
	}
	return query, append(args, limit), nil
}

// ExplainLookup returns SQLite's query plan for a lookup, one detail line per step, so tests
// and operators can see which index serves it.
func (s *DB) ExplainLookup(ctx context.Context, l status.Lookup) (string, error) {
	query, args, err := lookupQuery(l, 10)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, query, args...)
}

// explain returns the query plan of a query, one detail line per step.
func (s *DB) explain(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		b.WriteString(detail + "\n")
	}
	return b.String(), rows.Err()
}

// ListOrders implements status.Store with keyset pagination on (column, seq), so pages stay
// stable while orders are added.
func (s *DB) ListOrders(ctx context.Context, account int64, p status.PageRequest) ([]*status.Order, error) {
	k, err := p.Keyset()
	if err != nil {
		return nil, err
	}
	col, cmp, dir, cur := k.Column, k.Cmp, k.Dir, k.Cursor
	q := `SELECT o.id FROM orders o WHERE o.account_id = ?`
	args := []any{account}
	if p.CustomerNumber != "" {
		q += ` AND o.customer_number = ?`
		args = append(args, p.CustomerNumber)
	}
	if p.RecipientEmail != "" {
		q += ` AND lower(o.recipient_email) = ? AND o.recipient_email IS NOT NULL`
		args = append(args, status.NormalizeEmail(p.RecipientEmail))
	}
	if cur != nil {
		q += fmt.Sprintf(` AND (o.%[1]s %[2]s ? OR (o.%[1]s = ? AND o.seq %[2]s ?))`, col, cmp)
		args = append(args, cur.Value, cur.Value, cur.Seq)
	}
	q += fmt.Sprintf(` ORDER BY o.%s %s, o.seq %s LIMIT ?`, col, dir, dir)
	args = append(args, p.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if k.Reverse {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	out := make([]*status.Order, 0, len(ids))
	for _, id := range ids {
		o, err := s.Order(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// CursorOf returns the cursor position of an order in an ordering.
func (s *DB) CursorOf(ctx context.Context, o *status.Order, ordering string) (status.Cursor, error) {
	col, ok := status.OrderingColumn(ordering)
	if !ok {
		return status.Cursor{}, status.Invalid("ordering", "Use created_at, updated_at or order_date, optionally prefixed with -.")
	}
	var c status.Cursor
	err := s.db.QueryRowContext(ctx, `SELECT `+col+`, seq FROM orders WHERE id = ?`, o.ID).Scan(&c.Value, &c.Seq)
	return c, err
}
