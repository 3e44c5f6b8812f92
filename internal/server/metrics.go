package server

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// metrics are the Prometheus series of one server, in a registry of its own (tests run many
// servers in one process).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	refusals  *prometheus.CounterVec
	callbacks *prometheus.CounterVec
	// routes are the request series resolved so far, by matched route (observe).
	routes   atomic.Pointer[map[routeKey]*routeSeries]
	routesMu sync.Mutex
}

// requestBuckets span a cached widget (well under a millisecond) to a slow live refresh.
var requestBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

func newMetrics(db Store, caches *cacheCollector) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.routes.Store(&map[routeKey]*routeSeries{})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orderstatus_http_requests_total",
		Help: "HTTP requests by route pattern and status class.",
	}, []string{"route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "orderstatus_http_request_duration_seconds",
		Help:    "Time to serve HTTP requests by route pattern and status class.",
		Buckets: requestBuckets,
	}, []string{"route", "status"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orderstatus_rate_limit_refusals_total",
		Help: "Requests refused by a rate limit, by kind of limit.",
	}, []string{"kind"})
	m.callbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orderstatus_callback_deliveries_total",
		Help: "Callback delivery attempts by outcome: delivered, retry (failed, will be retried) or failed (given up).",
	}, []string{"outcome"})
	// The kinds and outcomes exist from the start, so that rate() works from the first event.
	for _, k := range []string{auth.RefusedVerifyOrder, auth.RefusedVerifyOrderDay, auth.RefusedVerifyAddr, auth.RefusedLoginEmail, auth.RefusedLoginAddr} {
		m.refusals.WithLabelValues(k)
	}
	for _, o := range []string{"delivered", "retry", "failed"} {
		m.callbacks.WithLabelValues(o)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.refusals, m.callbacks,
		&dbCollector{db: db}, caches,
	)
	return m
}

func (m *metrics) refused(kind string) { m.refusals.WithLabelValues(kind).Inc() }

// CountCallback counts one recorded callback attempt by its state (callback.Config.OnOutcome).
func (s *Server) CountCallback(state string) {
	outcome := state
	if state == callback.Pending {
		outcome = "retry"
	}
	s.metrics.callbacks.WithLabelValues(outcome).Inc()
}

// Registry is the server's Prometheus registry; packages wired by the command line register
// their own collectors on it.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// observe counts one served request under its route pattern (never the raw path, which may
// hold ids) and status class. The series of a (route, class) are resolved once and kept, so
// that counting a request allocates nothing.
func (m *metrics) observe(method string, rc *chi.Context, code int, elapsed time.Duration) {
	k := routeKey{method: method, n: len(rc.RoutePatterns)}
	if k.n <= len(k.p) {
		copy(k.p[:], rc.RoutePatterns)
	} else {
		k.n = -1 // not kept: resolved every time
	}
	class := min(max(code/100, 1), 5) - 1
	var c *routeSeries
	if k.n >= 0 {
		c = (*m.routes.Load())[k]
	}
	if c == nil {
		c = m.resolve(k, method, rc)
	}
	s := c.class[class].Load()
	if s == nil {
		label := strconv.Itoa(class+1) + "xx"
		s = &classSeries{m.requests.WithLabelValues(c.route, label), m.duration.WithLabelValues(c.route, label)}
		c.class[class].Store(s)
	}
	s.requests.Inc()
	s.duration.Observe(elapsed.Seconds())
}

// routeKey is the router's matched patterns of a request (at most three nested routers).
type routeKey struct {
	method string
	n      int
	p      [3]string
}

// routeSeries are the series of one route, per status class 1xx–5xx, each resolved on its
// first request (two first requests may both resolve it: WithLabelValues returns the same
// series to both).
type routeSeries struct {
	route string
	class [5]atomic.Pointer[classSeries]
}

type classSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// resolve returns the series of a route, adding it to the map (copied on write: requests
// read it without a lock). Routes are few, so the map stays small.
func (m *metrics) resolve(k routeKey, method string, rc *chi.Context) *routeSeries {
	route := "unmatched"
	if p := rc.RoutePattern(); p != "" {
		route = method + " " + p
	}
	c := &routeSeries{route: route}
	if k.n < 0 {
		return c
	}
	m.routesMu.Lock()
	defer m.routesMu.Unlock()
	old := *m.routes.Load()
	if got := old[k]; got != nil {
		return got
	}
	next := make(map[routeKey]*routeSeries, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[k] = c
	m.routes.Store(&next)
	return c
}

// MetricsHandler serves the Prometheus exposition, behind the bearer token when one is
// configured. The separate metrics listener (--metrics-addr) serves it as it is.
func (s *Server) MetricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.cfg.MetricsToken != "" {
			tok := auth.BearerToken(r.Header.Get("Authorization"))
			if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.MetricsToken)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "Metrics need the bearer token set in ORDERSTATUS_METRICS_TOKEN.", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// handleMetrics serves /metrics on the main listener: with a token configured to whoever
// sends it; otherwise only to a scraper on this host, which is a loopback peer that no proxy
// forwarded (a reverse proxy on the same host connects from loopback too, for everyone).
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.MetricsSeparate {
		s.handleNotFound(w, r)
		return
	}
	if s.cfg.MetricsToken == "" && !localScrape(r) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Metrics are served only to loopback. Scrape from this host, set ORDERSTATUS_METRICS_TOKEN, or use --metrics-addr.", http.StatusForbidden)
		return
	}
	s.MetricsHandler().ServeHTTP(w, r)
}

// localScrape reports whether a request comes straight from this host.
func localScrape(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "Forwarded"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	return true
}

// slogPrinter lets promhttp log encoding errors through the server's logger.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.logger.Error("metrics", "err", v) }

// dbCollector reads the database writer's counters and the outbox at scrape time.
type dbCollector struct{ db Store }

var (
	dbCommitsDesc = prometheus.NewDesc("orderstatus_db_commits_total",
		"Write transactions run by the order writer (group commit).", nil, nil)
	dbWritesDesc = prometheus.NewDesc("orderstatus_db_writes_total",
		"Order writes run by the order writer.", nil, nil)
	dbWriterDesc = prometheus.NewDesc("orderstatus_db_writer_seconds_total",
		"Time the order writer spent writing; near wall-clock time means writes queue.", nil, nil)
	dbBatchDesc = prometheus.NewDesc("orderstatus_db_batch_size",
		"Order writes per group-commit transaction.", nil, nil)
	outboxPendingDesc = prometheus.NewDesc("orderstatus_outbox_pending",
		"Callbacks waiting for delivery.", nil, nil)
	cacheHitsDesc = prometheus.NewDesc("orderstatus_cache_hits_total",
		"Hits of the in-memory caches: callback_url (accounts' callback URLs read by order writes), statement (prepared SQL), and the read path's orders, lookups, accounts, tokens and responses (rendered pages, info documents, widget images).", []string{"cache"}, nil)
	cacheMissesDesc = prometheus.NewDesc("orderstatus_cache_misses_total",
		"Misses of the in-memory caches.", []string{"cache"}, nil)
	outboxOldestDesc = prometheus.NewDesc("orderstatus_outbox_oldest_pending_age_seconds",
		"Age of the oldest callback waiting for delivery; 0 when none waits.", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbCommitsDesc, dbWritesDesc, dbWriterDesc, dbBatchDesc, cacheHitsDesc, cacheMissesDesc, outboxPendingDesc, outboxOldestDesc} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	if w, ok := c.db.(writerStore); ok {
		batches, writes, busy := w.WriterStats()
		ch <- prometheus.MustNewConstMetric(dbCommitsDesc, prometheus.CounterValue, float64(batches))
		ch <- prometheus.MustNewConstMetric(dbWritesDesc, prometheus.CounterValue, float64(writes))
		ch <- prometheus.MustNewConstMetric(dbWriterDesc, prometheus.CounterValue, busy.Seconds())
		sizes := w.BatchSizes()
		buckets := map[float64]uint64{}
		var cum uint64
		for i, b := range sqlite.BatchSizeBounds {
			cum += sizes[i]
			buckets[b] = cum
		}
		ch <- prometheus.MustNewConstHistogram(dbBatchDesc, cum, float64(writes), buckets)
		cs := w.CacheStats()
		ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(cs.CallbackURLHits), "callback_url")
		ch <- prometheus.MustNewConstMetric(cacheMissesDesc, prometheus.CounterValue, float64(cs.CallbackURLMisses), "callback_url")
		ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(cs.StmtHits), "statement")
		ch <- prometheus.MustNewConstMetric(cacheMissesDesc, prometheus.CounterValue, float64(cs.StmtMisses), "statement")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, oldest, err := c.db.OutboxPending(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxPendingDesc, err)
		return
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(time.Since(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(outboxPendingDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(outboxOldestDesc, prometheus.GaugeValue, age)
}
