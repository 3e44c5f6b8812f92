package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// PutLabel implements status.LabelStore.
func (s *DB) PutLabel(ctx context.Context, l status.Label) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO labels (tracking_id, order_id, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tracking_id) DO UPDATE SET order_id = excluded.order_id, content_type = excluded.content_type,
			data = excluded.data, created_at = excluded.created_at`,
			l.TrackingID, l.OrderID, l.ContentType, l.Data, l.CreatedAt)
		return err
	})
}

// Label implements status.LabelStore.
func (s *DB) Label(ctx context.Context, trackingID string) (status.Label, error) {
	l := status.Label{TrackingID: trackingID}
	err := s.pool.QueryRow(ctx, `SELECT order_id, content_type, data, created_at FROM labels WHERE tracking_id = $1`, trackingID).
		Scan(&l.OrderID, &l.ContentType, &l.Data, &l.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return status.Label{}, status.ErrNotFound
	}
	return l, err
}
