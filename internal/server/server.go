// Package server is the HTTP surface of orderstatus: the JSON API, the shopper page, the
// widget and the support console. Handlers translate HTTP to domain calls and back; the rules
// live in internal/status and internal/auth.
package server

import (
	"github.com/orderstatus/orderstatus/internal/auth"
	"log/slog"
	"net/http"
	"time"

	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the absolute URL links are built under, without trailing slash.
	BaseURL string
}

// Server holds the concrete dependencies of the handlers.
type Server struct {
	cfg      Config
	db       *sqlite.DB
	logger   *slog.Logger
	now      func() time.Time
	ingest   *status.Ingest
	resolver *auth.Resolver
}

// New returns the server's handler with every route of routes.go.
func New(cfg Config, db *sqlite.DB, logger *slog.Logger) *Server {
	s := &Server{cfg: cfg, db: db, logger: logger, now: time.Now}
	clock := func() time.Time { return s.now() }
	s.ingest = &status.Ingest{Store: db, Now: clock}
	s.resolver = &auth.Resolver{Store: db, Limits: db, Now: clock}
	return s
}

// Handler returns the router.
func (s *Server) Handler() http.Handler { return s.routes() }

// SetClock replaces the clock (tests).
func (s *Server) SetClock(now func() time.Time) { s.now = now }
