package widget

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

func blob(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }

type stats struct {
	entries      int
	bytes        int64
	hits, misses uint64
}

func statsOf(c *Cache) stats {
	e, b, h, m := c.Stats()
	return stats{e, b, h, m}
}

func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	c := NewCache(100)
	c.Add("a", blob(40))
	c.Add("b", blob(40))
	if _, ok := c.Get("a"); !ok { // a is now more recent than b
		t.Fatal("Get(a) missed")
	}
	c.Add("c", blob(40)) // 120 > 100: evicts b
	if _, ok := c.Get("b"); ok {
		t.Error("b still cached, want it evicted as least recently used")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("Get(%s) missed, want it kept", k)
		}
	}
	if got, want := statsOf(c), (stats{entries: 2, bytes: 80, hits: 3, misses: 1}); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}

	c.Add("d", blob(100)) // exactly the limit: everything else goes
	if got, want := statsOf(c), (stats{entries: 1, bytes: 100, hits: 3, misses: 1}); got != want {
		t.Errorf("after a full-size add, Stats = %+v, want %+v", got, want)
	}
}

func TestCacheReplaceAndOversize(t *testing.T) {
	c := NewCache(100)
	c.Add("a", blob(30))
	c.Add("a", blob(50))
	got, ok := c.Get("a")
	if !ok || len(got) != 50 {
		t.Errorf("Get(a) = %d bytes, %v; want the 50-byte replacement", len(got), ok)
	}
	if e, b, _, _ := c.Stats(); e != 1 || b != 50 {
		t.Errorf("Stats = %d entries, %d bytes; want 1, 50", e, b)
	}

	c.Add("a", blob(101))
	if _, ok := c.Get("a"); ok {
		t.Error("a PNG larger than the cache was stored")
	}
	if e, b, _, _ := c.Stats(); e != 0 || b != 0 {
		t.Errorf("Stats = %d entries, %d bytes; want an empty cache", e, b)
	}
}

func TestCacheConcurrentUse(t *testing.T) {
	c := NewCache(1000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := fmt.Sprint((g + i) % 50)
				if _, ok := c.Get(k); !ok {
					c.Add(k, blob(10+i%20))
				}
			}
		})
	}
	wg.Wait()
	e, b, h, m := c.Stats()
	if b > 1000 {
		t.Errorf("bytes = %d, want at most 1000", b)
	}
	if e == 0 || h+m != 8*200 {
		t.Errorf("Stats = %d entries, %d hits + %d misses; want entries and 1600 lookups", e, h, m)
	}
}
