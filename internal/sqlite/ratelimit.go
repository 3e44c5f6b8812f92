package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// TakeAttempts implements auth.LimitStore. It runs as one immediate transaction, which SQLite
// serialises with every other writer: concurrent callers cannot both see the last free
// attempt, so a burst of N proofs takes at most the limit.
func (s *DB) TakeAttempts(ctx context.Context, limits []auth.Limit, now time.Time) (time.Duration, string, error) {
	var wait time.Duration
	refused := ""
	err := s.tx(ctx, func(tx *sql.Tx) error {
		counts := make([]int, len(limits))
		for i, l := range limits {
			n, reset, err := attemptsIn(ctx, tx, l, now)
			if err != nil {
				return err
			}
			counts[i] = n
			if n >= l.Max {
				wait = max(wait, reset.Sub(now), time.Second)
				refused = l.Key
			}
		}
		if wait > 0 {
			return nil // refused: nothing is counted
		}
		ts := now.UTC().Format(time.RFC3339Nano)
		for i, l := range limits {
			var err error
			if counts[i] == 0 {
				_, err = tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, failures) VALUES (?, ?, 1)
					ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, failures = 1`, l.Key, ts)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE rate_limits SET failures = failures + 1 WHERE key = ?`, l.Key)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return wait, refused, err
}

// ReturnAttempts implements auth.LimitStore: it gives back one attempt per key, in the same
// window it was taken in.
func (s *DB) ReturnAttempts(ctx context.Context, limits []auth.Limit, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, l := range limits {
			if n, _, err := attemptsIn(ctx, tx, l, now); err != nil || n == 0 {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE rate_limits SET failures = failures - 1 WHERE key = ? AND failures > 0`, l.Key); err != nil {
				return err
			}
		}
		return nil
	})
}

// attemptsIn returns the attempts counted for a limit's key in its current window and when
// that window ends. An ended window counts as empty.
func attemptsIn(ctx context.Context, tx *sql.Tx, l auth.Limit, now time.Time) (int, time.Time, error) {
	var start string
	var n int
	err := tx.QueryRowContext(ctx, `SELECT window_start, failures FROM rate_limits WHERE key = ?`, l.Key).Scan(&start, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, now.Add(l.Window), nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	ws, err := time.Parse(time.RFC3339Nano, start)
	if err != nil || now.Sub(ws) >= l.Window {
		return 0, now.Add(l.Window), nil
	}
	return n, ws.Add(l.Window), nil
}
