// Package carrier holds the carrier adapters: each fetches a carrier's raw events for a
// tracking number and maps them onto our status codes (internal/status/codes.go), which is
// what live refresh needs.
//
// Carriers that push their events need no adapter here: they send them, already mapped, to
// POST /v4/track/events/ (status.Ingest.AddEvents), which stores them idempotently and, like
// every order change, queues the callbacks their lifecycle changes cause.
package carrier

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Adapter fetches the events of one carrier's trackings.
type Adapter interface {
	// Courier lists the courier codes (as in trackings' courier field) the adapter serves.
	Courier() []string
	// Fetch returns the carrier's events of a tracking number as valid, normalised
	// checkpoints (any order). An unknown tracking number is ErrNotFound; a refused request
	// for too many calls is a *RateLimitError.
	Fetch(ctx context.Context, trackingNumber string) ([]status.Checkpoint, error)
}

// ErrNotFound: the carrier does not know the tracking number.
var ErrNotFound = errors.New("carrier: shipment not found")

// RateLimitError: the carrier refused the request for too many calls.
type RateLimitError struct {
	// RetryAfter is the carrier's Retry-After, 0 when it sent none.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("carrier: rate limited, retry after %s", e.RetryAfter)
	}
	return "carrier: rate limited"
}

// Registry finds the adapter of a courier. A nil *Registry has no adapters.
type Registry struct {
	byCourier map[string]Adapter
}

// NewRegistry returns a registry of adapters; a later adapter wins a courier code that an
// earlier one also lists.
func NewRegistry(adapters ...Adapter) *Registry {
	r := &Registry{byCourier: map[string]Adapter{}}
	for _, a := range adapters {
		for _, c := range a.Courier() {
			r.byCourier[normalize(c)] = a
		}
	}
	return r
}

// Adapter returns the adapter configured for a courier code.
func (r *Registry) Adapter(courier string) (Adapter, bool) {
	if r == nil {
		return nil, false
	}
	a, ok := r.byCourier[normalize(courier)]
	return a, ok
}

// Supports reports whether a courier has an adapter (supports_live_refresh).
func (r *Registry) Supports(courier string) bool {
	_, ok := r.Adapter(courier)
	return ok
}

// Couriers lists the courier codes with an adapter, sorted.
func (r *Registry) Couriers() []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.byCourier))
	for c := range r.byCourier {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func normalize(courier string) string { return strings.ToLower(strings.TrimSpace(courier)) }
