package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/orderstatus/orderstatus/internal/status"
)

// PutLabel implements status.LabelStore.
func (s *DB) PutLabel(ctx context.Context, l status.Label) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO labels (tracking_id, order_id, content_type, data, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tracking_id) DO UPDATE SET order_id = excluded.order_id, content_type = excluded.content_type,
			data = excluded.data, created_at = excluded.created_at`,
			l.TrackingID, l.OrderID, l.ContentType, l.Data, l.CreatedAt)
		return err
	})
}

// Label implements status.LabelStore.
func (s *DB) Label(ctx context.Context, trackingID string) (status.Label, error) {
	l := status.Label{TrackingID: trackingID}
	err := s.db.QueryRowContext(ctx, `SELECT order_id, content_type, data, created_at FROM labels WHERE tracking_id = ?`, trackingID).
		Scan(&l.OrderID, &l.ContentType, &l.Data, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return status.Label{}, status.ErrNotFound
	}
	return l, err
}
