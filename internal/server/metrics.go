package server

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// metrics counts requests by route and status class and sums their durations, and exposes
// them with the widget cache figures in the Prometheus text format at GET /metrics.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {route, status class}
	seconds  map[string]float64   // route
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, seconds: map[string]float64{}}
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	class := fmt.Sprintf("%dxx", code/100)
	m.mu.Lock()
	m.requests[[2]string{route, class}]++
	m.seconds[route] += d.Seconds()
	m.mu.Unlock()
}

// measure records each request under its route pattern (never the raw path, which may hold
// ids), after the router has matched it.
func (s *Server) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = r.Method + " " + rc.RoutePattern()
		}
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		s.metrics.observe(route, code, time.Since(start))
	})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	s.metrics.mu.Lock()
	keys := make([][2]string, 0, len(s.metrics.requests))
	for k := range s.metrics.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	b.WriteString("# HELP orderstatus_http_requests_total HTTP requests by route and status class.\n# TYPE orderstatus_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "orderstatus_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], s.metrics.requests[k])
	}
	routes := make([]string, 0, len(s.metrics.seconds))
	for r := range s.metrics.seconds {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	b.WriteString("# HELP orderstatus_http_request_seconds_total Time spent serving requests by route.\n# TYPE orderstatus_http_request_seconds_total counter\n")
	for _, rt := range routes {
		fmt.Fprintf(&b, "orderstatus_http_request_seconds_total{route=%q} %g\n", rt, s.metrics.seconds[rt])
	}
	s.metrics.mu.Unlock()
	entries, bytes, hits, misses := s.widgets.Stats()
	fmt.Fprintf(&b, "# HELP orderstatus_widget_cache_entries Rendered widget images in memory.\n# TYPE orderstatus_widget_cache_entries gauge\norderstatus_widget_cache_entries %d\n", entries)
	fmt.Fprintf(&b, "# HELP orderstatus_widget_cache_bytes Bytes of rendered widget images in memory.\n# TYPE orderstatus_widget_cache_bytes gauge\norderstatus_widget_cache_bytes %d\n", bytes)
	fmt.Fprintf(&b, "# HELP orderstatus_widget_cache_hits_total Widget cache hits.\n# TYPE orderstatus_widget_cache_hits_total counter\norderstatus_widget_cache_hits_total %d\n", hits)
	fmt.Fprintf(&b, "# HELP orderstatus_widget_cache_misses_total Widget cache misses.\n# TYPE orderstatus_widget_cache_misses_total counter\norderstatus_widget_cache_misses_total %d\n", misses)
	batches, writes, busy := s.db.WriterStats()
	fmt.Fprintf(&b, "# HELP orderstatus_db_commits_total Write transactions committed by the order writer (group commit).\n# TYPE orderstatus_db_commits_total counter\norderstatus_db_commits_total %d\n", batches)
	fmt.Fprintf(&b, "# HELP orderstatus_db_writes_total Order writes run by the order writer.\n# TYPE orderstatus_db_writes_total counter\norderstatus_db_writes_total %d\n", writes)
	fmt.Fprintf(&b, "# HELP orderstatus_db_writer_seconds_total Time the order writer spent writing; near wall-clock time means writes queue.\n# TYPE orderstatus_db_writer_seconds_total counter\norderstatus_db_writer_seconds_total %g\n", busy.Seconds())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
