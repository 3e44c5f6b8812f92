package status

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Change is what one committed write changed, as the stores announce it to caches: an order
// (OrderID, its new Version and the lookup keys of its old and new versions), an account's
// settings, keys or tokens (Account), or, when All is set, anything (a write the store cannot
// describe, such as one made by another process).
type Change struct {
	OrderID string   `json:"o,omitempty"`
	Version int64    `json:"v,omitempty"`
	Account int64    `json:"a,omitempty"`
	Keys    []string `json:"k,omitempty"`
	All     bool     `json:"all,omitempty"`
}

// OrderChange describes the write of saved over prev (nil when it created the order): a lookup
// that named either version may now find something else.
func OrderChange(saved, prev *Order) Change {
	c := Change{OrderID: saved.ID, Version: saved.Version, Keys: LookupKeys(saved)}
	if prev != nil {
		c.Keys = append(c.Keys, LookupKeys(prev)...)
	}
	return c
}

// LookupKeys are the normalised values by which a lookup can find o (CacheKey of each
// lookup kind that CacheKey accepts). A cache of lookup results drops the entries of these
// keys when o is written.
func LookupKeys(o *Order) []string {
	keys := make([]string, 0, 4+3*len(o.Trackings))
	add := func(v string) {
		if k := normalizeKey(v); k != "" {
			keys = append(keys, k)
		}
	}
	add(o.OrderNumber)
	add(o.ExternalOrderID)
	add(o.ExternalReference)
	add(o.CustomerNumber)
	if o.RecipientEmail != UnsetEmail {
		add(o.RecipientEmail)
	}
	for _, t := range o.Trackings {
		add(t.TrackingNumber)
		add(t.ID)
		add(t.ExternalReference)
	}
	return keys
}

// CacheKey returns the key under which a cache may keep the result of l (and the value key
// under which LookupKeys announces its changes), and false for a lookup whose results no
// change announcement covers; such lookups are never cached.
func (l Lookup) CacheKey(limit int) (key, value string, ok bool) {
	switch l.Kind {
	case ByOrderNumber, ByExternalOrderID, ByExternalReference, ByTrackingNumber, ByCustomerNumber, ByRecipientEmail, ByTrackingID:
	default:
		return "", "", false
	}
	value = normalizeKey(l.Value)
	if value == "" {
		return "", "", false
	}
	var b strings.Builder
	b.Grow(len(l.Kind) + len(l.Value) + len(l.Courier) + len(l.ClientKey) + 24)
	b.WriteString(string(l.Kind))
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(l.Account, 10))
	b.WriteByte(0)
	b.WriteString(l.Value)
	b.WriteByte(0)
	b.WriteString(l.Courier)
	b.WriteByte(0)
	b.WriteString(l.ClientKey)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(limit))
	return b.String(), value, true
}

// normalizeKey folds case and drops white space, so that every spelling a lookup may match
// (order numbers case-insensitively, tracking numbers typed with spaces, emails) announces
// and finds the same key. Folding more than a store matches only drops more cache entries.
func normalizeKey(v string) string {
	clean := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 || ('A' <= c && c <= 'Z') || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			clean = false
			break
		}
	}
	if clean {
		return v
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, v)
}

// ChangeFeed is the subscriber list of a store's change announcements. Stores embed it:
// OnChange subscribes, Announce tells every subscriber.
type ChangeFeed struct {
	mu   sync.RWMutex
	subs []func(Change)
}

// OnChange calls fn with every change the store commits, after the commit and before the
// writing call returns. fn must be quick and must not call the store.
func (f *ChangeFeed) OnChange(fn func(Change)) {
	f.mu.Lock()
	f.subs = append(f.subs, fn)
	f.mu.Unlock()
}

// Announce tells every subscriber of c.
func (f *ChangeFeed) Announce(c Change) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, fn := range f.subs {
		fn(c)
	}
}
