package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// recent orders a match set by the order date, then by creation (DESIGN §4).
const recent = ` ORDER BY o.order_date DESC, o.seq DESC LIMIT `

// FindOrderIDs implements status.Store. Every branch is served by an index (plan_test.go).
func (s *DB) FindOrderIDs(ctx context.Context, l status.Lookup, limit int) ([]string, error) {
	query, args, err := lookupQuery(l, limit)
	if err != nil {
		return nil, err
	}
	return s.ids(ctx, query, args...)
}

func (s *DB) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, query, args...)
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
			query = `SELECT o.id FROM orders o WHERE lower(o.order_number) = $1`
			args = []any{status.OrderNumberKey(l.Value)}
		case l.ClientKey != "":
			query = `SELECT o.id FROM orders o WHERE o.account_id = $1 AND lower(o.order_number) = $2 AND o.client_key = $3`
			args = []any{l.Account, status.OrderNumberKey(l.Value), l.ClientKey}
		default:
			query = `SELECT o.id FROM orders o WHERE o.account_id = $1 AND lower(o.order_number) = $2`
			args = []any{l.Account, status.OrderNumberKey(l.Value)}
		}
	case status.ByExternalOrderID:
		query = `SELECT o.id FROM orders o WHERE o.account_id = $1 AND o.external_order_id = $2`
		args = []any{l.Account, strings.ToLower(l.Value)}
	case status.ByExternalReference:
		query = `SELECT o.id FROM orders o WHERE o.seq IN (
				SELECT seq FROM orders WHERE account_id = $1 AND external_reference = $2
				UNION SELECT order_seq FROM trackings WHERE account_id = $1 AND external_reference = $2)`
		args = []any{l.Account, l.Value}
	case status.ByTrackingNumber:
		query = `SELECT o.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE replace(t.tracking_number, ' ', '') = $1 AND t.courier = $2`
		args = []any{status.TrackingNumberKey(l.Value), strings.ToLower(l.Courier)}
		if l.Account != 0 {
			query += ` AND t.account_id = $3`
			args = append(args, l.Account)
		}
	case status.ByCustomerNumber:
		query = `SELECT o.id FROM orders o WHERE o.account_id = $1 AND o.customer_number = $2`
		args = []any{l.Account, l.Value}
	case status.ByRecipientEmail:
		query = `SELECT o.id FROM orders o WHERE o.account_id = $1 AND lower(o.recipient_email) = $2 AND o.recipient_email IS NOT NULL`
		args = []any{l.Account, status.NormalizeEmail(l.Value)}
	case status.ByTrackingID:
		query = `SELECT o.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE t.id = $1`
		args = []any{l.Value}
		if l.Account != 0 {
			query += ` AND o.account_id = $2`
			args = append(args, l.Account)
		}
	default:
		return "", nil, fmt.Errorf("unknown lookup %q", l.Kind)
	}
	args = append(args, limit)
	return query + recent + fmt.Sprintf("$%d", len(args)), args, nil
}

// ExplainLookup returns PostgreSQL's plan for a lookup (EXPLAIN, text format), so tests and
// operators can see which index serves it.
func (s *DB) ExplainLookup(ctx context.Context, l status.Lookup) (string, error) {
	query, args, err := lookupQuery(l, 10)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, query, args...)
}

// explain returns the plan of a query, one line per row of EXPLAIN.
func (s *DB) explain(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.pool.Query(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		b.WriteString(line + "\n")
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
	q := `SELECT o.id FROM orders o WHERE o.account_id = $1`
	args := []any{account}
	if p.CustomerNumber != "" {
		args = append(args, p.CustomerNumber)
		q += fmt.Sprintf(` AND o.customer_number = $%d`, len(args))
	}
	if p.RecipientEmail != "" {
		// The expression of the orders_by_email index.
		args = append(args, status.NormalizeEmail(p.RecipientEmail))
		q += fmt.Sprintf(` AND lower(o.recipient_email) = $%d AND o.recipient_email IS NOT NULL`, len(args))
	}
	if cur != nil {
		// A row comparison, which the (account_id, column, seq) index serves as one range.
		q += fmt.Sprintf(` AND (o.%s, o.seq) %s ($%d, $%d)`, col, cmp, len(args)+1, len(args)+2)
		args = append(args, cur.Value, cur.Seq)
	}
	args = append(args, p.Limit)
	q += fmt.Sprintf(` ORDER BY o.%s %s, o.seq %s LIMIT $%d`, col, dir, dir, len(args))
	ids, err := s.ids(ctx, q, args...)
	if err != nil {
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
	err := s.pool.QueryRow(ctx, `SELECT `+col+`, seq FROM orders WHERE id = $1`, o.ID).Scan(&c.Value, &c.Seq)
	return c, err
}
