package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/status"
)

const (
	// liveRefreshBudget bounds everything a live refresh does, so that a hanging carrier
	// delays a response by at most this much.
	liveRefreshBudget = 3 * time.Second
	// liveRefreshEvery is how often a tracking may be refreshed from its carrier.
	liveRefreshEvery = 5 * time.Minute
	// liveRefreshHeader carries the outcome of live_refresh=true.
	liveRefreshHeader = "X-Orderstatus-Live-Refresh"
)

// Outcomes of a live refresh, as liveRefreshHeader sends them.
const (
	refreshDone          = "refreshed"
	refreshSkippedRecent = "skipped-recent"
	refreshUnsupported   = "unsupported"
	refreshFailedTimeout = "failed-timeout"
	refreshFailedError   = "failed-error"
)

var errUnchanged = errors.New("no new events")

// liveRefresh asks the carrier adapters of res.Order's trackings for new events and merges
// them into the stored order (idempotently; callbacks fire for lifecycle changes), all within
// liveRefreshBudget. Each tracking is refreshed at most once per liveRefreshEvery, across
// processes (the times are kept in the database). On timeout or error the stored data stands.
// refreshed reports whether res.Order was replaced by an order with new events; note is the
// value for the X-Orderstatus-Live-Refresh header: refreshed, skipped-recent, unsupported,
// failed-timeout or failed-error.
func (s *Server) liveRefresh(ctx context.Context, res *auth.Grant) (refreshed bool, note string) {
	ctx, cancel := context.WithTimeout(ctx, liveRefreshBudget)
	defer cancel()
	type fetch struct {
		tracking status.Tracking
		adapter  carrier.Adapter
		cps      []status.Checkpoint
		err      error
	}
	var fetches []*fetch
	supported, failed := false, false
	now := s.now()
	for _, t := range res.Order.Trackings {
		a, ok := s.cfg.Carriers.Adapter(t.Courier)
		if !ok {
			continue
		}
		supported = true
		claimed, err := s.db.ClaimRefresh(ctx, t.ID, now, liveRefreshEvery)
		if err != nil {
			s.logger.WarnContext(ctx, "live refresh: recording the refresh failed", "tracking", t.ID, "err", err)
			failed = true
			continue
		}
		if claimed {
			fetches = append(fetches, &fetch{tracking: t, adapter: a})
		}
	}
	switch {
	case !supported:
		return false, refreshUnsupported
	case len(fetches) == 0 && !failed:
		return false, refreshSkippedRecent
	}
	var wg sync.WaitGroup
	for _, f := range fetches {
		wg.Go(func() { f.cps, f.err = f.adapter.Fetch(ctx, f.tracking.TrackingNumber) })
	}
	wg.Wait()
	timedOut := false
	var ok []*fetch
	for _, f := range fetches {
		if f.err == nil {
			ok = append(ok, f)
			continue
		}
		s.logger.WarnContext(ctx, "live refresh: carrier failed", "courier", f.tracking.Courier, "tracking", f.tracking.ID, "err", f.err)
		if isTimeout(f.err) || ctx.Err() != nil {
			timedOut = true
		} else {
			failed = true
		}
	}
	if len(ok) > 0 {
		saved, err := s.db.UpdateOrder(ctx, res.Order.ID, func(o *status.Order) (*status.Order, error) {
			added := 0
			for _, f := range ok {
				for i := range f.cps {
					if f.cps[i].Courier == "" {
						f.cps[i].Courier = f.tracking.Courier
					}
				}
				added += status.AddCheckpoints(o, f.tracking.ID, f.cps)
			}
			if added == 0 {
				return nil, errUnchanged
			}
			o.UpdatedAt = status.FormatTimestamp(s.now())
			return o, nil
		})
		switch {
		case err == nil:
			res.Replace(saved)
			refreshed = true
		case errors.Is(err, errUnchanged):
		case isTimeout(err) || ctx.Err() != nil:
			s.logger.WarnContext(ctx, "live refresh: storing events failed", "order", res.Order.ID, "err", err)
			timedOut = true
		default:
			s.logger.WarnContext(ctx, "live refresh: storing events failed", "order", res.Order.ID, "err", err)
			failed = true
		}
	}
	switch {
	case timedOut:
		return refreshed, refreshFailedTimeout
	case failed:
		return refreshed, refreshFailedError
	}
	return refreshed, refreshDone
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
