package auth

import "time"

// Shopper grants: the orders a browser proved the right to see (an email or postal code
// proof), kept in the shopper's session cookie.
const (
	// GrantTTL is how long a proved order stays unlocked for a browser.
	GrantTTL = 30 * 24 * time.Hour
	// MaxGrants bounds the orders one browser remembers (cookies are small).
	MaxGrants = 20
)

// Grants maps an order's reference id to the Unix time it was proved.
type Grants map[string]int64

// Has reports whether the order was proved within GrantTTL.
func (g Grants) Has(orderID string, now time.Time) bool {
	at, ok := g[orderID]
	return ok && now.Sub(time.Unix(at, 0)) < GrantTTL
}

// With returns the grants with orderID added, dropping expired grants and the oldest beyond
// MaxGrants. g itself is not changed.
func (g Grants) With(orderID string, now time.Time) Grants {
	out := Grants{}
	for id, at := range g {
		if now.Sub(time.Unix(at, 0)) < GrantTTL {
			out[id] = at
		}
	}
	for len(out) >= MaxGrants {
		oldest, oldestAt := "", int64(1<<62)
		for id, at := range out {
			if at < oldestAt {
				oldest, oldestAt = id, at
			}
		}
		delete(out, oldest)
	}
	out[orderID] = now.Unix()
	return out
}
