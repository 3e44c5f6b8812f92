package cache

import (
	"strconv"
	"sync"
	"testing"
)

func TestLRUStaysWithinBound(t *testing.T) {
	c := NewLRU[[]byte](64 << 10)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				k := strconv.Itoa(g) + "-" + strconv.Itoa(i)
				c.Add(k, make([]byte, 1000), 1000, nil)
				c.Get(k)
			}
		}()
	}
	wg.Wait()
	st := c.Stats()
	if st.Bytes > st.MaxBytes || st.MaxBytes > 64<<10 {
		t.Fatalf("%d bytes held, bound %d", st.Bytes, st.MaxBytes)
	}
	if st.Evictions == 0 || st.Entries == 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLRUEvictsLeastRecentlyUsed(t *testing.T) {
	c := NewLRU[int](shards * 3 * (10 + entryOverhead + 4))
	// Keys of one shard only, so that its bound (three entries) decides.
	var keys []string
	for i := 0; len(keys) < 4; i++ {
		k := "k" + strconv.Itoa(i)
		if c.shard(k) == c.shard("k0") {
			keys = append(keys, k)
		}
	}
	for i, k := range keys[:3] {
		c.Add(k, i, 10, nil)
	}
	c.Get(keys[0]) // keys[1] is now the least recently used
	c.Add(keys[3], 3, 10, nil)
	if _, ok := c.Get(keys[1]); ok {
		t.Error("the least recently used entry was kept")
	}
	for _, k := range []string{keys[0], keys[2], keys[3]} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	if c.Add("x", 1, 1<<30, nil) {
		t.Error("an entry larger than a shard was stored")
	}
	if c.Add(keys[0], 9, 10, func() bool { return false }) {
		t.Error("a refused Add stored")
	}
	c.Remove(keys[2])
	if _, ok := c.Get(keys[2]); ok {
		t.Error("Remove kept the entry")
	}
	c.Purge()
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("after Purge: %+v", st)
	}
}

func TestAcceptEncoding(t *testing.T) {
	for h, want := range map[string]string{"": "", "gzip": "gzip", "br": "br", "gzip, deflate, br": "br", "br;q=0, gzip": "gzip",
		"br;q=0.5": "br", "identity": "", "*": "gzip", "gzip;q=0": "", "GZIP": "gzip"} {
		if got := acceptEncoding(h); got != want {
			t.Errorf("acceptEncoding(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestNoneMatch(t *testing.T) {
	for _, c := range []struct {
		h    string
		want bool
	}{{`"a"`, true}, {`W/"a"`, true}, {`"b", "a"`, true}, {`*`, true}, {`"b"`, false}, {``, false}} {
		if got := NoneMatch(c.h, `"a"`); got != c.want {
			t.Errorf("NoneMatch(%q) = %v", c.h, got)
		}
	}
}
