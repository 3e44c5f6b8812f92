package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// TakeAttempts implements auth.LimitStore in one transaction that locks the rows of every
// key first. Keys without a row get one (with no attempts) before the lock, so that parallel
// first attempts contend for one row instead of each inserting its own. Rows are created and
// locked in key order, so two callers with overlapping keys cannot deadlock. Under the locks
// no other caller can count, so a burst of N proofs across any number of instances takes at
// most the limit.
func (s *DB) TakeAttempts(ctx context.Context, limits []auth.Limit, now time.Time) (time.Duration, string, error) {
	var wait time.Duration
	var refused string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		wait, refused = 0, ""
		rows, err := lockLimits(ctx, tx, limits, now)
		if err != nil {
			return err
		}
		counts := make([]int, len(limits))
		for i, l := range limits {
			n, reset := attemptsIn(rows[l.Key], l, now)
			counts[i] = n
			if n >= l.Max {
				wait = max(wait, reset.Sub(now), time.Second)
				refused = l.Key
			}
		}
		if wait > 0 {
			return nil // refused: nothing is counted
		}
		for i, l := range limits {
			var err error
			if counts[i] == 0 {
				_, err = tx.Exec(ctx, `UPDATE rate_limits SET window_start = $1, failures = 1 WHERE key = $2`, now, l.Key)
			} else {
				_, err = tx.Exec(ctx, `UPDATE rate_limits SET failures = failures + 1 WHERE key = $1`, l.Key)
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
	return s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := lockLimits(ctx, tx, limits, now)
		if err != nil {
			return err
		}
		for _, l := range limits {
			if n, _ := attemptsIn(rows[l.Key], l, now); n == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE rate_limits SET failures = failures - 1 WHERE key = $1 AND failures > 0`, l.Key); err != nil {
				return err
			}
		}
		return nil
	})
}

// limitRow is a rate_limits row.
type limitRow struct {
	start    time.Time
	failures int
}

// lockLimits makes sure every key of limits has a row and locks them all, in key order.
func lockLimits(ctx context.Context, tx pgx.Tx, limits []auth.Limit, now time.Time) (map[string]limitRow, error) {
	keys := make([]string, 0, len(limits))
	for _, l := range limits {
		keys = append(keys, l.Key)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if _, err := tx.Exec(ctx, `INSERT INTO rate_limits (key, window_start, failures)
		SELECT k, $2, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n
		ON CONFLICT (key) DO NOTHING`, keys, now); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT key, window_start, failures FROM rate_limits WHERE key = ANY($1) ORDER BY key FOR UPDATE`, keys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]limitRow, len(keys))
	for rows.Next() {
		var k string
		var r limitRow
		if err := rows.Scan(&k, &r.start, &r.failures); err != nil {
			return nil, err
		}
		out[k] = r
	}
	return out, rows.Err()
}

// attemptsIn returns the attempts counted for a limit in its current window and when that
// window ends. An ended window counts as empty.
func attemptsIn(r limitRow, l auth.Limit, now time.Time) (int, time.Time) {
	if now.Sub(r.start) >= l.Window {
		return 0, now.Add(l.Window)
	}
	return r.failures, r.start.Add(l.Window)
}
