// Package housekeeping deletes rows nothing needs any more: expired rate-limit windows,
// delivered callbacks older than 30 days, ended staff sessions and old login attempts. It
// runs as a background job of serve and counts what it removed.
package housekeeping

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// Retention and schedule.
const (
	// CallbackRetention is how long delivered callbacks stay in the outbox (and in the
	// console's callback log).
	CallbackRetention = 30 * 24 * time.Hour
	// RateLimitWindow is the longest rate-limit window in use; older windows are expired.
	RateLimitWindow = 24 * time.Hour
	// DefaultInterval is how often the job runs.
	DefaultInterval = time.Hour
)

// Store deletes what the job prunes and says how many rows went.
type Store interface {
	PruneRateLimits(ctx context.Context, before time.Time) (int, error)
	PruneDeliveredCallbacks(ctx context.Context, before time.Time) (int, error)
	PruneStaffSessions(ctx context.Context, now time.Time) (int, error)
	PruneLoginAttempts(ctx context.Context, before time.Time) (int, error)
}

// Counters count what the job did since the process started; safe to read at any time (the
// metrics endpoint exports them).
type Counters struct {
	Runs          atomic.Int64 // completed runs
	Errors        atomic.Int64 // runs that failed part way
	RateLimits    atomic.Int64 // rate-limit rows deleted
	Callbacks     atomic.Int64 // delivered callbacks deleted
	StaffSessions atomic.Int64 // ended staff sessions deleted
	LoginAttempts atomic.Int64 // login attempts deleted
}

// Result is what one run removed.
type Result struct {
	RateLimits, Callbacks, StaffSessions, LoginAttempts int
}

// Job prunes on a schedule.
type Job struct {
	Store    Store
	Now      func() time.Time
	Logger   *slog.Logger
	Interval time.Duration // DefaultInterval when 0
	// Counters, when set, accumulate every run's result.
	Counters *Counters
}

// RunOnce prunes everything once and returns what it removed; it stops at the first error,
// keeping what was removed before it.
func (j *Job) RunOnce(ctx context.Context) (Result, error) {
	now := j.Now()
	var r Result
	err := j.step(ctx, &r.RateLimits, func() (int, error) { return j.Store.PruneRateLimits(ctx, now.Add(-RateLimitWindow)) })
	if err == nil {
		err = j.step(ctx, &r.Callbacks, func() (int, error) { return j.Store.PruneDeliveredCallbacks(ctx, now.Add(-CallbackRetention)) })
	}
	if err == nil {
		err = j.step(ctx, &r.StaffSessions, func() (int, error) { return j.Store.PruneStaffSessions(ctx, now) })
	}
	if err == nil {
		err = j.step(ctx, &r.LoginAttempts, func() (int, error) { return j.Store.PruneLoginAttempts(ctx, now.Add(-auth.LoginLookback)) })
	}
	if c := j.Counters; c != nil {
		c.RateLimits.Add(int64(r.RateLimits))
		c.Callbacks.Add(int64(r.Callbacks))
		c.StaffSessions.Add(int64(r.StaffSessions))
		c.LoginAttempts.Add(int64(r.LoginAttempts))
		if err != nil {
			c.Errors.Add(1)
		} else {
			c.Runs.Add(1)
		}
	}
	return r, err
}

func (j *Job) step(ctx context.Context, n *int, fn func() (int, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var err error
	*n, err = fn()
	return err
}

// Run prunes at once and then every Interval until ctx is done.
func (j *Job) Run(ctx context.Context) {
	every := j.Interval
	if every <= 0 {
		every = DefaultInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r, err := j.RunOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			j.Logger.ErrorContext(ctx, "housekeeping", "err", err)
		case err == nil && r != (Result{}):
			j.Logger.InfoContext(ctx, "housekeeping", "rate_limits", r.RateLimits, "callbacks", r.Callbacks,
				"staff_sessions", r.StaffSessions, "login_attempts", r.LoginAttempts)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
