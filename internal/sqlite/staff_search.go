package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// SearchOrders runs a support search: every lookup of q.Kinds over q.Accounts, united, most
// recent first (order date, then creation). It returns one page of order ids and how many
// orders matched in all. Every branch is served by an index.
func (s *DB) SearchOrders(ctx context.Context, q status.Search) ([]string, int, error) {
	union, args, err := searchUnion(q)
	if err != nil || union == "" {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+union+`)`, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 {
		return nil, 0, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id FROM orders o WHERE o.seq IN (`+union+`)
		ORDER BY o.order_date DESC, o.seq DESC LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	return ids, total, rows.Err()
}

// searchUnion builds the UNION of order seqs that a search matches; "" when it can match
// nothing (no kinds or no accounts).
func searchUnion(q status.Search) (string, []any, error) {
	if len(q.Kinds) == 0 || len(q.Accounts) == 0 {
		return "", nil, nil
	}
	accts, acctArgs := int64List(q.Accounts)
	var parts []string
	var args []any
	add := func(sql string, vals []string) {
		vs, vargs := stringList(vals)
		parts = append(parts, fmt.Sprintf(sql, accts, vs))
		args = append(append(args, acctArgs...), vargs...)
	}
	for _, k := range q.Kinds {
		v := q.Values(k)
		switch k {
		case status.ByRecipientEmail:
			add(`SELECT seq FROM orders WHERE account_id IN (%s) AND lower(recipient_email) IN (%s) AND recipient_email IS NOT NULL`, v)
		case status.ByOrderNumber:
			add(`SELECT seq FROM orders WHERE account_id IN (%s) AND order_number IN (%s)`, v)
		case status.ByCustomerNumber:
			add(`SELECT seq FROM orders WHERE account_id IN (%s) AND customer_number IN (%s) AND customer_number IS NOT NULL`, v)
		case status.ByExternalOrderID:
			add(`SELECT seq FROM orders WHERE account_id IN (%s) AND external_order_id IN (%s) AND external_order_id IS NOT NULL`, v)
		case status.ByExternalReference:
			add(`SELECT seq FROM orders WHERE account_id IN (%s) AND external_reference IN (%s) AND external_reference IS NOT NULL`, v)
			add(`SELECT order_seq FROM trackings WHERE account_id IN (%s) AND external_reference IN (%s) AND external_reference IS NOT NULL`, v)
		case status.ByTrackingNumber:
			// trackings_by_number leads with tracking_number; the account filter applies to
			// the few rows it finds.
			vs, vargs := stringList(v)
			parts = append(parts, fmt.Sprintf(`SELECT order_seq FROM trackings WHERE tracking_number IN (%s) AND account_id IN (%s)`, vs, accts))
			args = append(append(args, vargs...), acctArgs...)
		default:
			return "", nil, fmt.Errorf("search by %q", k)
		}
	}
	return strings.Join(parts, "\nUNION "), args, nil
}

func stringList(vals []string) (string, []any) {
	ph := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		ph[i], args[i] = "?", v
	}
	return strings.Join(ph, ", "), args
}

// explainSearch returns SQLite's plan for a search, one detail line per step (tests).
func (s *DB) explainSearch(ctx context.Context, q status.Search) (string, error) {
	union, args, err := searchUnion(q)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, `SELECT o.id FROM orders o WHERE o.seq IN (`+union+`)
		ORDER BY o.order_date DESC, o.seq DESC LIMIT 25`, args...)
}
