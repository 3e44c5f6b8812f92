package widget

import (
	"container/list"
	"sync"
)

// Cache is a least-recently-used cache of rendered PNGs, bounded by the total size of
// the stored PNGs. It is safe for concurrent use. The zero value is not usable; call
// NewCache.
type Cache struct {
	mu       sync.Mutex
	maxBytes int64
	bytes    int64
	order    *list.List // front is most recently used; values are *cacheEntry
	entries  map[string]*list.Element
	hits     uint64
	misses   uint64
}

type cacheEntry struct {
	key string
	png []byte
}

// NewCache returns an empty cache that holds at most maxBytes of PNG data.
func NewCache(maxBytes int64) *Cache {
	return &Cache{maxBytes: maxBytes, order: list.New(), entries: make(map[string]*list.Element)}
}

// Get returns the PNG stored under key and marks it recently used. The slice is shared
// with the cache and must not be modified.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).png, true
}

// Add stores png under key, replacing what was there, and evicts the least recently used
// entries until the cache is within its size. A PNG larger than the whole cache is not
// stored (and any older PNG under key is dropped). The cache keeps png; the caller must
// not modify it afterwards.
func (c *Cache) Add(key string, png []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	size := int64(len(png))
	if size > c.maxBytes {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, png: png})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.order.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= int64(len(e.png))
}

// Stats reports the number of entries, their total size in bytes, and how many Get calls
// found their key (hits) or did not (misses).
func (c *Cache) Stats() (entries int, bytes int64, hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes, c.hits, c.misses
}
