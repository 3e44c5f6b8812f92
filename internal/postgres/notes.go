package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// AddOrderNote implements auth.NoteStore.
func (s *DB) AddOrderNote(ctx context.Context, n auth.OrderNote) (auth.OrderNote, error) {
	n.CreatedAt = status.FormatTimestamp(s.now())
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO order_notes (order_id, account_id, user_id, user_email, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			n.OrderID, n.AccountID, n.UserID, n.UserEmail, n.Body, n.CreatedAt).Scan(&n.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, user_email, action, query, order_id, account_id) VALUES ($1, $2, $3, $4, '', $5, $6)`,
			n.CreatedAt, n.UserID, n.UserEmail, auth.AuditNote, n.OrderID, n.AccountID)
		return err
	})
	return n, err
}

// OrderNotes implements auth.NoteStore.
func (s *DB) OrderNotes(ctx context.Context, orderID string) ([]auth.OrderNote, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, order_id, account_id, user_id, user_email, body, created_at FROM order_notes WHERE order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.OrderNote, error) {
		var n auth.OrderNote
		err := r.Scan(&n.ID, &n.OrderID, &n.AccountID, &n.UserID, &n.UserEmail, &n.Body, &n.CreatedAt)
		return n, err
	})
}
