package sqlite

import (
	"context"
	"database/sql"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// AddOrderNote implements auth.NoteStore.
func (s *DB) AddOrderNote(ctx context.Context, n auth.OrderNote) (auth.OrderNote, error) {
	n.CreatedAt = status.FormatTimestamp(s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO order_notes (order_id, account_id, user_id, user_email, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			n.OrderID, n.AccountID, n.UserID, n.UserEmail, n.Body, n.CreatedAt).Scan(&n.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, user_email, action, query, order_id, account_id) VALUES (?, ?, ?, ?, '', ?, ?)`,
			n.CreatedAt, n.UserID, n.UserEmail, auth.AuditNote, n.OrderID, n.AccountID)
		return err
	})
	return n, err
}

// OrderNotes implements auth.NoteStore.
func (s *DB) OrderNotes(ctx context.Context, orderID string) ([]auth.OrderNote, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, order_id, account_id, user_id, user_email, body, created_at FROM order_notes WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.OrderNote
	for rows.Next() {
		var n auth.OrderNote
		if err := rows.Scan(&n.ID, &n.OrderID, &n.AccountID, &n.UserID, &n.UserEmail, &n.Body, &n.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
