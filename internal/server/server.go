// Package server is the HTTP surface of orderstatus: the JSON API, the shopper page, the
// widget and the support console. Handlers translate HTTP to domain calls and back; the rules
// live in internal/status and internal/auth.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/go-chi/chi/v5"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/cache"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/housekeeping"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the absolute URL links are built under, without trailing slash.
	BaseURL string
	// Assets are images referenced by orders as /demo/assets/… (the demo's article pictures
	// and shop logos); nil serves none.
	Assets fs.FS
	// Carriers are the carrier adapters for live refresh; nil for none.
	Carriers *carrier.Registry
	// AllowPrivateCallbacks accepts callback URLs on loopback and private addresses
	// (ORDERSTATUS_CALLBACKS_ALLOW_PRIVATE).
	AllowPrivateCallbacks bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
	// believed (--trusted-proxies); empty trusts none.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics requires (ORDERSTATUS_METRICS_TOKEN);
	// without it /metrics answers loopback scrapers only.
	MetricsToken string
	// MetricsSeparate: /metrics is served by MetricsHandler on a listener of its own
	// (--metrics-addr), and the main listener does not serve it.
	MetricsSeparate bool
	// Housekeeping counts what the pruning job removed, for /metrics; nil when no job runs.
	Housekeeping *housekeeping.Counters
	// CacheBytes bounds the memory of the read-path caches (--cache-size): half for what the
	// access service reads (orders, lookups, accounts, tokens), half for rendered responses.
	// 0 is defaultCacheBytes.
	CacheBytes int64
}

// Server holds the concrete dependencies of the handlers.
type Server struct {
	cfg      Config
	db       Store
	logger   *slog.Logger
	now      func() time.Time
	ingest   *status.Ingest
	access   *auth.Service
	sessions *sessionStores
	// csrf refuses cross-site form posts (Sec-Fetch-Site / Origin checks of the standard
	// library); it wraps every form route.
	csrf    *http.CrossOriginProtection
	metrics *metrics
	// couriers is the courier directory (names, tracking pages, last-mile partners).
	couriers *carrier.Directory
	// requestIDs names each request for the logs and the X-Request-Id header.
	requestIDs *requestIDs
	// reads caches what the access service reads; responses the rendered answers made from
	// it (responses.go). stopListen ends the subscription to other instances' changes.
	reads      *cache.Store
	responses  *cache.LRU[*cache.Body]
	stopListen context.CancelFunc
}

// foreignWriter is a store that counts writes by other processes (SQLite).
type foreignWriter interface{ ForeignWrites() uint64 }

// changeListener is a store that hears other instances' writes (PostgreSQL).
type changeListener interface {
	Listen(ctx context.Context, fn func(status.Change)) error
}

// New returns the server. It fails only when the session keys cannot be read or created.
func New(cfg Config, db Store, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, db: db, logger: logger, now: time.Now, requestIDs: newRequestIDs()}
	clock := func() time.Time { return s.now() }
	s.couriers = carrier.LoadDirectory()
	s.ingest = &status.Ingest{Store: db, Now: clock, CheckCallbackURL: s.checkCallbackURL, Couriers: s.couriers}
	opt := cache.Options{MaxBytes: cfg.cacheBytes() / 2, Now: clock}
	if fw, ok := db.(foreignWriter); ok {
		opt.Foreign = fw.ForeignWrites
	}
	s.reads = cache.NewStore(db, opt)
	s.responses = cache.NewLRU[*cache.Body](cfg.cacheBytes() / 2)
	db.OnChange(s.reads.Apply)
	listenCtx, stop := context.WithCancel(context.Background())
	s.stopListen = stop
	if l, ok := db.(changeListener); ok {
		go l.Listen(listenCtx, s.reads.Apply)
	}
	s.access = &auth.Service{Store: s.reads, Limits: db, Now: clock,
		Redacted: func(o *status.Order, l status.Access) *status.Order { return s.reads.Redacted(o, l, auth.Redact) }}
	s.sessions = &sessionStores{settings: db, secure: secureCookies(cfg.BaseURL), now: clock, logger: logger}
	if err := s.sessions.load(context.Background()); err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	s.metrics = newMetrics(db, &cacheCollector{stats: s.cacheStats})
	s.access.Refused = s.metrics.refused
	s.csrf = http.NewCrossOriginProtection()
	s.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-site form submissions are not allowed. Go back, reload the page and try again.", http.StatusForbidden)
	}))
	return s, nil
}

// Close ends the server's background work (the subscription to other instances' changes).
func (s *Server) Close() { s.stopListen() }

// Handler returns the router.
func (s *Server) Handler() http.Handler { return s.observe(s.routes().(*chi.Mux)) }

// SetClock replaces the clock (tests).
func (s *Server) SetClock(now func() time.Time) { s.now = now }
