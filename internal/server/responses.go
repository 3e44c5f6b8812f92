package server

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/cache"
)

// Rendered responses (DESIGN §10). The page, the info document, the widget image and its
// alt text of a granted order are kept, ready to send (compressed once per encoding), under
// what they are made from:
//
//   - the surface and its own parameters (the page's lookup, the widget's size and theme);
//   - the order's id and version and the grant's level and named tracking: the grant comes
//     from the access service, so an entry made for one level is never sent at another;
//   - the language;
//   - the account generation of the read cache, which moves with every account change
//     (settings, keys, tokens) and every purge;
//   - the minute: what the shopper is told depends on the clock ("arriving today", "open
//     now"), so no entry is used in a minute after the one it was made in.
//
// The order version and the account generation are read before the order is resolved, so an
// entry is never stored under a newer state than it was made from. Entries need no
// invalidation: a write moves the version, and old entries age out of the LRU.

// responseKey names a rendered response.
func (s *Server) responseKey(surface string, gen uint64, g *auth.Grant, lang string, parts ...string) string {
	var b strings.Builder
	b.Grow(96)
	b.WriteString(surface)
	b.WriteByte(0)
	b.WriteString(g.Order.ID)
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(g.Order.Version, 10))
	b.WriteByte(0)
	b.WriteString(string(g.Level))
	b.WriteByte(0)
	b.WriteString(g.TrackingID)
	b.WriteByte(0)
	b.WriteString(lang)
	b.WriteByte(0)
	b.WriteString(strconv.FormatUint(gen, 10))
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(s.now().Unix()/60, 10))
	for _, p := range parts {
		b.WriteByte(0)
		b.WriteString(p)
	}
	return b.String()
}

// cachedBody returns the response under key, building and keeping it on a miss. The ETag
// starts with the order version.
func (s *Server) cachedBody(key string, g *auth.Grant, contentType string, build func(*bytes.Buffer) error) (*cache.Body, error) {
	if b, ok := s.responses.Get(key); ok {
		return b, nil
	}
	var buf bytes.Buffer
	if err := build(&buf); err != nil {
		return nil, err
	}
	b := cache.NewBody(buf.Bytes(), contentType, "v"+strconv.FormatInt(g.Order.Version, 10))
	s.responses.Add(key, b, b.Size(), nil)
	return b, nil
}

// readGeneration is the state of accounts the next resolve reads from (see above).
func (s *Server) readGeneration() uint64 { return s.reads.Generation() }

// defaultCacheBytes bounds all read-path caches when the configuration does not.
const defaultCacheBytes = 48 << 20

// cacheBytes is the configured bound, split between the read cache and the responses.
func (c Config) cacheBytes() int64 {
	if c.CacheBytes > 0 {
		return c.CacheBytes
	}
	return defaultCacheBytes
}
