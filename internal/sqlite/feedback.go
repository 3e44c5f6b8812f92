package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Feedback is one shopper vote.
type Feedback = status.Feedback

// AddFeedback stores a shopper's vote. A later vote on the same parcel and topic replaces
// the earlier one.
func (s *DB) AddFeedback(ctx context.Context, orderID, trackingID, topic, vote string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback WHERE order_id = ? AND tracking_id = ? AND topic = ?`, orderID, trackingID, topic); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO feedback (order_id, tracking_id, topic, vote, created_at) VALUES (?, ?, ?, ?, ?)`,
			orderID, trackingID, topic, vote, status.FormatTimestamp(at))
		return err
	})
}

// Feedback returns the votes on an order, newest first.
func (s *DB) Feedback(ctx context.Context, orderID string) ([]Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tracking_id, topic, vote, created_at FROM feedback WHERE order_id = ? ORDER BY created_at DESC`, orderID)
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
