package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Feedback is one shopper vote (the same fields as sqlite.Feedback).
type Feedback = status.Feedback

// AddFeedback stores a shopper's vote. A later vote on the same parcel and topic replaces
// the earlier one.
func (s *DB) AddFeedback(ctx context.Context, orderID, trackingID, topic, vote string, at time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM feedback WHERE order_id = $1 AND tracking_id = $2 AND topic = $3`, orderID, trackingID, topic); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO feedback (order_id, tracking_id, topic, vote, created_at) VALUES ($1, $2, $3, $4, $5)`,
			orderID, trackingID, topic, vote, status.FormatTimestamp(at))
		return err
	})
}

// Feedback returns the votes on an order, newest first.
func (s *DB) Feedback(ctx context.Context, orderID string) ([]Feedback, error) {
	rows, err := s.pool.Query(ctx, `SELECT tracking_id, topic, vote, created_at FROM feedback WHERE order_id = $1 ORDER BY created_at DESC`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		var f Feedback
		if err := rows.Scan(&f.TrackingID, &f.Topic, &f.Vote, &f.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
