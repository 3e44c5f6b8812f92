// Package cache keeps what the read path derives, bounded in bytes: the access service's
// reads (orders, lookups, accounts, tokens) and the rendered responses built from them. Every
// entry is dropped by the change announcements of the store it was read from (status.Change),
// so that no entry outlives a write.
package cache

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

const shards = 16

// LRU is a least-recently-used map bounded by the sizes its entries are added with. It is
// split into shards, each with its own lock and an equal part of the bound. Safe for
// concurrent use.
type LRU[V any] struct {
	seed   maphash.Seed
	shards [shards]shard[V]
	hits   atomic.Uint64
	misses atomic.Uint64
	evicts atomic.Uint64
}

type shard[V any] struct {
	mu      sync.Mutex
	max     int64
	bytes   int64
	entries map[string]*node[V]
	head    node[V] // sentinel: head.next is the most recently used
}

type node[V any] struct {
	key        string
	val        V
	size       int64
	prev, next *node[V]
}

// entryOverhead is what an entry costs beyond its value: the node, the map slot and its key.
const entryOverhead = 96

// NewLRU returns an empty cache that holds at most maxBytes.
func NewLRU[V any](maxBytes int64) *LRU[V] {
	c := &LRU[V]{seed: maphash.MakeSeed()}
	for i := range c.shards {
		s := &c.shards[i]
		s.max = maxBytes / shards
		s.entries = map[string]*node[V]{}
		s.head.next, s.head.prev = &s.head, &s.head
	}
	return c
}

func (c *LRU[V]) shard(key string) *shard[V] {
	return &c.shards[maphash.String(c.seed, key)%shards]
}

// Get returns the value under key and marks it recently used.
func (c *LRU[V]) Get(key string) (V, bool) {
	s := c.shard(key)
	s.mu.Lock()
	n, ok := s.entries[key]
	if !ok {
		s.mu.Unlock()
		c.misses.Add(1)
		var zero V
		return zero, false
	}
	s.unlink(n)
	s.pushFront(n)
	v := n.val
	s.mu.Unlock()
	c.hits.Add(1)
	return v, true
}

// Add stores v under key with the given size, unless keep (called under the shard's lock)
// returns false; it then evicts the least recently used entries of the shard until it is
// within its bound. An entry larger than a shard's bound is not stored. It reports whether v
// was stored.
func (c *LRU[V]) Add(key string, v V, size int64, keep func() bool) bool {
	size += int64(len(key)) + entryOverhead
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if keep != nil && !keep() {
		return false
	}
	if old, ok := s.entries[key]; ok {
		s.drop(old)
	}
	if size > s.max {
		return false
	}
	n := &node[V]{key: key, val: v, size: size}
	s.entries[key] = n
	s.pushFront(n)
	s.bytes += size
	for s.bytes > s.max {
		s.drop(s.head.prev)
		c.evicts.Add(1)
	}
	return true
}

// Remove drops the entry under key.
func (c *LRU[V]) Remove(key string) {
	s := c.shard(key)
	s.mu.Lock()
	if n, ok := s.entries[key]; ok {
		s.drop(n)
	}
	s.mu.Unlock()
}

// Purge drops every entry.
func (c *LRU[V]) Purge() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.entries)
		s.head.next, s.head.prev = &s.head, &s.head
		s.bytes = 0
		s.mu.Unlock()
	}
}

// Stats is what a cache holds and how it was used.
type Stats struct {
	Entries                 int
	Bytes, MaxBytes         int64
	Hits, Misses, Evictions uint64
}

// Stats reports the cache's size and counters.
func (c *LRU[V]) Stats() Stats {
	st := Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evicts.Load()}
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		st.Entries += len(s.entries)
		st.Bytes += s.bytes
		st.MaxBytes += s.max
		s.mu.Unlock()
	}
	return st
}

func (s *shard[V]) unlink(n *node[V]) {
	n.prev.next, n.next.prev = n.next, n.prev
}

func (s *shard[V]) pushFront(n *node[V]) {
	n.prev, n.next = &s.head, s.head.next
	s.head.next.prev = n
	s.head.next = n
}

func (s *shard[V]) drop(n *node[V]) {
	s.unlink(n)
	delete(s.entries, n.key)
	s.bytes -= n.size
}
