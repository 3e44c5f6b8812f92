package cache

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Store is a status.Store that keeps what the access service reads most: orders by id,
// lookup results, accounts by id and by token hash. Writes pass through to the store below;
// what they change is dropped when that store announces it (Apply), so a read after a write
// always sees the write. Orders it returns are shared with other readers: callers must not
// modify them (the access service does not; auth.Redact copies).
type Store struct {
	status.Store

	orders   *LRU[*status.Order]
	lookups  *LRU[[]lookupEntry] // by normalised value: every lookup of that value
	accounts *LRU[status.Account]
	tokens   *LRU[tokenEntry]
	redacted *LRU[*status.Order] // by id, version and level
	now      func() time.Time

	// gen counts the changes applied. A read that raced with a change does not store what it
	// read: it may predate the write.
	gen atomic.Uint64
	// accountGen counts account changes (settings, keys, tokens) and purges; rendered
	// responses that show an account include it in their key.
	accountGen atomic.Uint64

	// foreign, when set, counts writes made outside this process (another orderstatus
	// process on the same SQLite file); when it moves, everything is dropped.
	foreign     func() uint64
	seenForeign atomic.Uint64
}

// tokenEntry is a token's account and until when that answer holds (the token's expiry, or
// when its last use is due to be recorded).
type tokenEntry struct {
	account status.Account
	until   time.Time
}

// tokenStore is a store that says how long a token's answer holds. Tokens of a store
// without it are not cached.
type tokenStore interface {
	AccountByTokenUntil(ctx context.Context, hash []byte) (status.Account, time.Time, error)
}

// absentOrderID is an id no order has (reference ids are generated without '~').
const absentOrderID = "~absent"

type lookupEntry struct {
	key string
	ids []string
}

// Options bound a Store's memory.
type Options struct {
	// MaxBytes bounds all of the store's caches together (orders take half, lookups and
	// accounts the rest).
	MaxBytes int64
	// Foreign, when set, returns a counter of writes made by other processes (see
	// sqlite.DB.ForeignWrites); every change of it drops everything.
	Foreign func() uint64
	// Now is the clock token expiry is checked with; nil is time.Now.
	Now func() time.Time
}

// NewStore returns a caching store over inner. Call Apply with every change inner announces.
func NewStore(inner status.Store, opt Options) *Store {
	c := &Store{Store: inner,
		orders:   NewLRU[*status.Order](opt.MaxBytes / 2),
		lookups:  NewLRU[[]lookupEntry](opt.MaxBytes * 3 / 8),
		accounts: NewLRU[status.Account](opt.MaxBytes / 16),
		tokens:   NewLRU[tokenEntry](opt.MaxBytes / 32),
		redacted: NewLRU[*status.Order](opt.MaxBytes / 32),
		foreign:  opt.Foreign,
		now:      opt.Now,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.foreign != nil {
		c.seenForeign.Store(c.foreign())
	}
	return c
}

// Apply drops what a committed change may have made stale.
func (c *Store) Apply(ch status.Change) {
	c.gen.Add(1)
	if ch.All {
		c.purge()
		return
	}
	if ch.OrderID != "" {
		c.orders.Remove(ch.OrderID)
		// Redacted copies are named by version: a new version misses them.
	}
	for _, k := range ch.Keys {
		c.lookups.Remove(k)
	}
	if ch.Account != 0 {
		c.accountGen.Add(1)
		c.accounts.Remove(strconv.FormatInt(ch.Account, 10))
		// Token entries are keyed by hash; account changes are rare, so all of them go.
		c.tokens.Purge()
	}
}

func (c *Store) purge() {
	c.accountGen.Add(1)
	c.orders.Purge()
	c.redacted.Purge()
	c.lookups.Purge()
	c.accounts.Purge()
	c.tokens.Purge()
}

// Generation changes whenever an account changes or everything is dropped; with an order's
// version it names the state a rendered response was made from.
func (c *Store) Generation() uint64 {
	c.checkForeign()
	return c.accountGen.Load()
}

// checkForeign drops everything when another process wrote since the last look.
func (c *Store) checkForeign() {
	if c.foreign == nil {
		return
	}
	if n, seen := c.foreign(), c.seenForeign.Load(); n != seen && c.seenForeign.CompareAndSwap(seen, n) {
		c.gen.Add(1)
		c.purge()
	}
}

// storeIf is the Add guard of a read that started at generation g.
func (c *Store) storeIf(g uint64) func() bool {
	return func() bool { return c.gen.Load() == g }
}

// Order implements status.Store.
func (c *Store) Order(ctx context.Context, id string) (*status.Order, error) {
	c.checkForeign()
	if strings.HasPrefix(id, "~") {
		// Reference ids never contain '~': the access service's stand-in for a missing order,
		// whose store read FindOrderIDs already did.
		return nil, status.ErrNotFound
	}
	if o, ok := c.orders.Get(id); ok {
		return o, nil
	}
	g := c.gen.Load()
	o, err := c.Store.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	c.orders.Add(id, o, orderSize(o), c.storeIf(g))
	return o, nil
}

// FindOrderIDs implements status.Store.
func (c *Store) FindOrderIDs(ctx context.Context, l status.Lookup, limit int) ([]string, error) {
	c.checkForeign()
	key, value, ok := l.CacheKey(limit)
	if !ok {
		return c.Store.FindOrderIDs(ctx, l, limit)
	}
	entries, _ := c.lookups.Get(value)
	for _, e := range entries {
		if e.key == key {
			return e.ids, nil
		}
	}
	g := c.gen.Load()
	ids, err := c.Store.FindOrderIDs(ctx, l, limit)
	if err != nil {
		return nil, err
	}
	// Equal work for a match and a miss (DESIGN §5: neither the time taken nor the limits
	// tell a missing order from an existing one): a lookup read from the store reads one
	// order from the store too, the first match (kept for the read that follows) or none.
	// Repeated lookups then cost the same cached work whether they match or not.
	first := absentOrderID
	if len(ids) > 0 {
		first = ids[0]
	}
	if o, err := c.Store.Order(ctx, first); err == nil {
		c.orders.Add(first, o, orderSize(o), c.storeIf(g))
	} else if !errors.Is(err, status.ErrNotFound) {
		return nil, err
	}
	// Copy on write: readers may hold the old slice.
	next := make([]lookupEntry, 0, len(entries)+1)
	size := int64(0)
	for _, e := range entries {
		if e.key != key && len(next) < 16 {
			next = append(next, e)
			size += entrySize(e)
		}
	}
	ne := lookupEntry{key: key, ids: ids}
	next = append(next, ne)
	c.lookups.Add(value, next, size+entrySize(ne), c.storeIf(g))
	return ids, nil
}

func entrySize(e lookupEntry) int64 {
	n := int64(len(e.key)) + 40
	for _, id := range e.ids {
		n += int64(len(id)) + 16
	}
	return n
}

// Account implements status.Store.
func (c *Store) Account(ctx context.Context, id int64) (status.Account, error) {
	c.checkForeign()
	key := strconv.FormatInt(id, 10)
	if a, ok := c.accounts.Get(key); ok {
		return a, nil
	}
	g := c.gen.Load()
	a, err := c.Store.Account(ctx, id)
	if err != nil {
		return a, err
	}
	c.accounts.Add(key, a, accountSize(a), c.storeIf(g))
	return a, nil
}

// AccountByToken implements status.Store. Unknown tokens are not kept, and a known one only
// as long as the store says its answer holds.
func (c *Store) AccountByToken(ctx context.Context, hash []byte) (status.Account, error) {
	ts, ok := c.Store.(tokenStore)
	if !ok {
		return c.Store.AccountByToken(ctx, hash)
	}
	c.checkForeign()
	key := string(hash)
	if e, ok := c.tokens.Get(key); ok && c.now().Before(e.until) {
		return e.account, nil
	}
	g := c.gen.Load()
	a, until, err := ts.AccountByTokenUntil(ctx, hash)
	if err != nil {
		return a, err
	}
	c.tokens.Add(key, tokenEntry{a, until}, accountSize(a)+24, c.storeIf(g))
	return a, nil
}

// Redacted returns redact(o, level), keeping one copy per order id, version and level (every
// order of one id and version holds the same data, so the copy serves them all). The copy is
// shared: callers must not modify it.
func (c *Store) Redacted(o *status.Order, level status.Access, redact func(*status.Order, status.Access) *status.Order) *status.Order {
	key := o.ID + "\x00" + strconv.FormatInt(o.Version, 10) + "\x00" + string(level)
	if r, ok := c.redacted.Get(key); ok {
		return r
	}
	r := redact(o, level)
	if r != o {
		c.redacted.Add(key, r, orderSize(r), nil)
	}
	return r
}

// CacheStats reports each of the store's caches.
func (c *Store) CacheStats() map[string]Stats {
	return map[string]Stats{"orders": c.orders.Stats(), "redacted": c.redacted.Stats(), "lookups": c.lookups.Stats(),
		"accounts": c.accounts.Stats(), "tokens": c.tokens.Stats()}
}

func accountSize(a status.Account) int64 {
	return int64(unsafe.Sizeof(a)) + int64(len(a.Name)+len(a.SigningKey)+len(a.PreviousSigningKey)+len(a.CallbackSecret)+
		len(a.LogoURL)+len(a.SupportURL)+len(a.SupportEmail)+len(a.CallbackURL)+len(a.DisplayName)+len(a.ShopURL)+len(a.ReturnsURL))
}

// orderSize estimates the memory of a decoded order: its structs and the text they hold
// (the text of stored documents dominates; fields not counted add a small fraction).
func orderSize(o *status.Order) int64 {
	n := int64(unsafe.Sizeof(*o)) + int64(len(o.ID)+len(o.OrderNumber)+len(o.RecipientEmail)+len(o.RecipientName)+len(o.Notes)+len(o.Description))
	for i := range o.Trackings {
		t := &o.Trackings[i]
		n += int64(unsafe.Sizeof(*t)) + int64(len(t.TrackingNumber)+len(t.ID)+len(t.Courier)) + 64
		if t.ShippingAddress != nil {
			n += int64(unsafe.Sizeof(*t.ShippingAddress)) + 128
		}
		for j := range t.Checkpoints {
			cp := &t.Checkpoints[j]
			n += int64(unsafe.Sizeof(*cp)) + int64(len(cp.StatusDetails)+len(cp.StatusText)+len(cp.Location)+len(cp.EventTimestamp)) + 48
		}
		for j := range t.Articles {
			a := &t.Articles[j]
			n += int64(unsafe.Sizeof(*a)) + int64(len(a.ArticleName)+len(a.ArticleImageURL)+len(a.ArticleStoreURL)) + 64
		}
	}
	return n
}
