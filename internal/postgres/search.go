package postgres

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
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (`+union+`) m`, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 {
		return nil, 0, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	n := len(args)
	ids, err := s.ids(ctx, `SELECT o.id FROM orders o WHERE o.seq IN (`+union+`)
		ORDER BY o.order_date DESC, o.seq DESC`+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, limit, q.Offset)...)
	return ids, total, err
}

// searchUnion builds the UNION of order seqs that a search matches; "" when it can match
// nothing (no kinds or no accounts). $1 is the accounts; each kind adds its values.
func searchUnion(q status.Search) (string, []any, error) {
	if len(q.Kinds) == 0 || len(q.Accounts) == 0 {
		return "", nil, nil
	}
	args := []any{q.Accounts}
	var parts []string
	add := func(sql string, vals []string) {
		args = append(args, vals)
		parts = append(parts, fmt.Sprintf(sql, len(args)))
	}
	for _, k := range q.Kinds {
		v := q.Values(k)
		switch k {
		case status.ByRecipientEmail:
			add(`SELECT seq FROM orders WHERE account_id = ANY($1) AND lower(recipient_email) = ANY($%d::text[]) AND recipient_email IS NOT NULL`, v)
		case status.ByOrderNumber:
			add(`SELECT seq FROM orders WHERE account_id = ANY($1) AND order_number = ANY($%d::text[])`, v)
		case status.ByCustomerNumber:
			add(`SELECT seq FROM orders WHERE account_id = ANY($1) AND customer_number = ANY($%d::text[]) AND customer_number IS NOT NULL`, v)
		case status.ByExternalOrderID:
			add(`SELECT seq FROM orders WHERE account_id = ANY($1) AND external_order_id = ANY($%d::text[]) AND external_order_id IS NOT NULL`, v)
		case status.ByExternalReference:
			add(`SELECT seq FROM orders WHERE account_id = ANY($1) AND external_reference = ANY($%d::text[]) AND external_reference IS NOT NULL`, v)
			add(`SELECT order_seq FROM trackings WHERE account_id = ANY($1) AND external_reference = ANY($%d::text[]) AND external_reference IS NOT NULL`, v)
		case status.ByTrackingNumber:
			add(`SELECT order_seq FROM trackings WHERE tracking_number = ANY($%d::text[]) AND account_id = ANY($1)`, v)
		default:
			return "", nil, fmt.Errorf("search by %q", k)
		}
	}
	return strings.Join(parts, "\nUNION "), args, nil
}
