package postgres

import (
	"context"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// pruneBatch bounds the rows one delete statement removes, so that pruning a large backlog
// never holds many row locks for long.
const pruneBatch = 1000

// prune runs a batched delete until it removes nothing, and returns how many rows it removed.
// The batch size is the query's last parameter.
func (s *DB) prune(ctx context.Context, query string, args ...any) (int, error) {
	total := 0
	for {
		tag, err := s.pool.Exec(ctx, query, append(args, pruneBatch)...)
		if err != nil {
			return total, err
		}
		n := int(tag.RowsAffected())
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}

// PruneRateLimits deletes rate-limit windows that started before `before` (the caller passes
// now minus the longest window in use), which no limit counts any more. Rows locked by a
// running TakeAttempts are left for the next run.
func (s *DB) PruneRateLimits(ctx context.Context, before time.Time) (int, error) {
	return s.prune(ctx, `DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE window_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, before)
}

// PruneDeliveredCallbacks deletes delivered callbacks (and their attempt logs) delivered
// before `before`. Pending and failed ones are kept.
func (s *DB) PruneDeliveredCallbacks(ctx context.Context, before time.Time) (int, error) {
	return s.prune(ctx, `DELETE FROM callbacks WHERE seq IN (SELECT seq FROM callbacks WHERE state = 'delivered' AND delivered_at < $1 LIMIT $2)`,
		status.FormatTimestamp(before))
}

// PruneStaffSessions deletes staff sessions that have ended by idleness or age at now.
func (s *DB) PruneStaffSessions(ctx context.Context, now time.Time) (int, error) {
	return s.prune(ctx, `DELETE FROM staff_sessions WHERE id_hash IN (SELECT id_hash FROM staff_sessions WHERE last_seen_at <= $1 OR created_at <= $2 LIMIT $3)`,
		status.FormatTimestamp(now.Add(-auth.StaffIdleTimeout)), status.FormatTimestamp(now.Add(-auth.StaffSessionLifetime)))
}

// PruneLoginAttempts deletes login attempts made before `before`, which no login limit counts.
func (s *DB) PruneLoginAttempts(ctx context.Context, before time.Time) (int, error) {
	return s.prune(ctx, `DELETE FROM login_attempts WHERE id IN (SELECT id FROM login_attempts WHERE at <= $1 LIMIT $2)`, before)
}
