package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Failures returns the failures recorded for key in the current window and when the window
// ends. An expired window counts as empty.
func (s *DB) Failures(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	var start string
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT window_start, failures FROM rate_limits WHERE key = ?`, key).Scan(&start, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, now.Add(window), nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	ws, err := time.Parse(time.RFC3339Nano, start)
	if err != nil || now.Sub(ws) >= window {
		return 0, now.Add(window), nil
	}
	return n, ws.Add(window), nil
}

// AddFailure records a failure for key, starting a new window when the last one has ended.
func (s *DB) AddFailure(ctx context.Context, key string, window time.Duration, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var start string
		err := tx.QueryRowContext(ctx, `SELECT window_start FROM rate_limits WHERE key = ?`, key).Scan(&start)
		ts := now.UTC().Format(time.RFC3339Nano)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, failures) VALUES (?, ?, 1)`, key, ts)
			return err
		}
		if err != nil {
			return err
		}
		if ws, perr := time.Parse(time.RFC3339Nano, start); perr != nil || now.Sub(ws) >= window {
			_, err = tx.ExecContext(ctx, `UPDATE rate_limits SET window_start = ?, failures = 1 WHERE key = ?`, ts, key)
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE rate_limits SET failures = failures + 1 WHERE key = ?`, key)
		return err
	})
}
