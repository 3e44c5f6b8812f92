package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
)

type ctxKey int

const requestIDKey ctxKey = iota

// requestIDs makes request ids: a random prefix per server and a counter, unique without a
// call to crypto/rand per request.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs { return &requestIDs{prefix: auth.HexKey(4) + "-"} }

func (g *requestIDs) next() string {
	var b [32]byte
	out := append(b[:0], g.prefix...)
	return string(strconv.AppendUint(out, g.n.Add(1), 36))
}

func requestIDOf(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// observed is the router wrapped in the middleware every request passes (observe). It is
// still the router for chi.Walk.
type observed struct {
	*chi.Mux
	s    *Server
	hsts bool
}

// Shared header values: set by assigning the slice, which costs no allocation per request.
// The server only reads them; a handler that sets one of these headers replaces the slice.
var (
	cspHeader            = []string{"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}
	nosniffHeader        = []string{"nosniff"}
	referrerPolicyHeader = []string{"no-referrer"}
	frameOptionsHeader   = []string{"DENY"}
	hstsHeader           = []string{hstsValue}
)

// requestState is what observe keeps for one request: the request's context (carrying its
// id and the router's route context, so that one context and one request copy serve both)
// and the response recorder.
type requestState struct {
	context.Context
	id   [1]string
	rctx *chi.Context
	rec  statusRecorder
}

func (c *requestState) Value(key any) any {
	switch key {
	case requestIDKey:
		return c.id[0]
	case chi.RouteCtxKey:
		return c.rctx
	}
	return c.Context.Value(key)
}

// routeContexts are reused like the router's own: a route context is valid only until the
// request's handler returns (chi's rule).
var routeContexts = sync.Pool{New: func() any { return chi.NewRouteContext() }}

// ServeHTTP names the request (X-Request-Id), sets the security headers, recovers a panic
// as a 500, and logs and counts the request under its route pattern once it is served. The
// layers are one function because each layer of its own cost allocations per request, as
// much as serving a small static response. The query string is never logged: lookups carry
// emails, postal codes and signatures.
func (o *observed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := o.s
	start := time.Now()
	st := &requestState{Context: r.Context()}
	st.id[0] = s.requestIDs.next()
	if rc, _ := r.Context().Value(chi.RouteCtxKey).(*chi.Context); rc != nil {
		// A router context from outside (a test wrapping the handler) is filled instead.
		st.rctx = rc
	} else {
		st.rctx = routeContexts.Get().(*chi.Context)
		st.rctx.Reset()
		st.rctx.Routes = o.Mux
		defer routeContexts.Put(st.rctx)
	}
	r = r.WithContext(st)
	h := w.Header()
	h["X-Request-Id"] = st.id[:]
	h["Content-Security-Policy"] = cspHeader
	h["X-Content-Type-Options"] = nosniffHeader
	h["Referrer-Policy"] = referrerPolicyHeader
	h["X-Frame-Options"] = frameOptionsHeader
	if o.hsts {
		h["Strict-Transport-Security"] = hstsHeader
	}
	st.rec.ResponseWriter = w
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.ErrorContext(r.Context(), "panic", "panic", v, "stack", string(debug.Stack()), "request_id", st.id[0])
			if st.rec.code == 0 {
				writeJSON(&st.rec, http.StatusInternalServerError, map[string]string{"detail": "Internal server error."})
			}
			st.rec.code = http.StatusInternalServerError
		}
		code := st.rec.code
		if code == 0 {
			code = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(r.Method, st.rctx, code, elapsed)
		// The record goes to the handler directly: Logger.LogAttrs would also walk the stack
		// for the record's source, which an access line does not show.
		level := levelFor(code)
		if lh := s.logger.Handler(); lh.Enabled(r.Context(), level) {
			rec := slog.NewRecord(time.Now(), level, "request", 0)
			rec.AddAttrs(slog.String("method", r.Method), slog.String("scheme", s.requestScheme(r)), slog.String("path", r.URL.Path), slog.Int("status", code),
				slog.Int("bytes", st.rec.bytes), slog.Duration("duration", elapsed), slog.String("request_id", st.id[0]))
			_ = lh.Handle(r.Context(), rec)
		}
	}()
	o.Mux.ServeHTTP(&st.rec, r)
}

// observe wraps the router in the per-request middleware.
func (s *Server) observe(r *chi.Mux) http.Handler {
	return &observed{Mux: r, s: s, hsts: strings.HasPrefix(strings.ToLower(s.cfg.BaseURL), "https://")}
}

type statusRecorder struct {
	http.ResponseWriter
	code  int
	bytes int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func levelFor(code int) slog.Level {
	if code >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
