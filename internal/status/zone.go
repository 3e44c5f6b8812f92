package status

import "time"

// Zone returns the first of names that is a known IANA zone, else UTC. It is the one place
// where a tracking's, a checkpoint's or an order's zone falls back to the next: pass them
// most specific first, e.g. Zone(checkpoint.Timezone, tracking.Timezone, order.Timezone).
func Zone(names ...string) *time.Location {
	for _, n := range names {
		if n == "" {
			continue
		}
		if l, err := Location(n); err == nil {
			return l
		}
	}
	return time.UTC
}

// zoneName is the first non-empty of names: the zone a document names for a tracking or a
// checkpoint (the same fallback as Zone, without loading the zone).
func zoneName(names ...string) string { return firstNonEmpty(names...) }
