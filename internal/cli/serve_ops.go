package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/server"
)

// serveOps are serve's operator settings: logging, proxies and the metrics endpoint.
type serveOps struct {
	LogFormat      string
	TrustedProxies string
	MetricsAddr    string
	CacheSize      string
}

func (o *serveOps) register(fl *flag.FlagSet, env Env) {
	def := func(k, d string) string {
		if v := env.Getenv(k); v != "" {
			return v
		}
		return d
	}
	fl.StringVar(&o.LogFormat, "log-format", def("ORDERSTATUS_LOG_FORMAT", "text"), "log lines as text (logfmt) or json")
	fl.StringVar(&o.TrustedProxies, "trusted-proxies", def("ORDERSTATUS_TRUSTED_PROXIES", ""),
		"comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed")
	fl.StringVar(&o.MetricsAddr, "metrics-addr", def("ORDERSTATUS_METRICS_ADDR", ""),
		"serve /metrics on this address instead of the main one")
	fl.StringVar(&o.CacheSize, "cache-size", def("ORDERSTATUS_CACHE_SIZE", "48MB"),
		"memory for the read path's caches (orders, lookups, accounts, rendered pages, info and widgets), e.g. 64MB or 1GB")
}

// apply puts the settings into the server configuration; ORDERSTATUS_METRICS_TOKEN has no
// flag, so that the token does not show in the process list.
func (o *serveOps) apply(cfg *server.Config, env Env) error {
	proxies, err := server.ParseTrustedProxies(o.TrustedProxies)
	if err != nil {
		return err
	}
	cfg.TrustedProxies = proxies
	cfg.MetricsToken = env.Getenv("ORDERSTATUS_METRICS_TOKEN")
	cfg.MetricsSeparate = o.MetricsAddr != ""
	if cfg.CacheBytes, err = parseByteSize(o.CacheSize); err != nil {
		return fmt.Errorf("--cache-size: %w", err)
	}
	if env.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(cfg.CacheBytes))
	}
	return nil
}

// memoryLimit is the Go heap's soft limit when GOMEMLIMIT does not set one: twice the caches'
// bound plus room for requests and ingest (224 MiB). The collector then returns memory before
// the heap grows to five times what is live (GOGC=400, main.go): at a million orders a server
// stayed at 346–390 MiB resident instead of 770–870 (docs/operations.md). A tighter limit
// (192 MiB) starved ingest with 32 clients of collector headroom; GOMEMLIMIT overrides it.
func memoryLimit(cacheBytes int64) int64 { return 2*cacheBytes + 224<<20 }

// parseByteSize reads a size such as 128MB, 1GB, 512KB or a number of bytes.
func parseByteSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > (1<<50)/mult {
		return 0, fmt.Errorf("%q: want a size such as 64MB or 1GB", v)
	}
	if n*mult < 1<<20 {
		return 0, fmt.Errorf("%q: at least 1MB", v)
	}
	return n * mult, nil
}

// serveMetrics serves srv's metrics on their own listener until ctx is done; it returns the
// listening address, or "" when no --metrics-addr is set.
func (o *serveOps) serveMetrics(ctx context.Context, srv *server.Server, log *slog.Logger) (string, func(), error) {
	if o.MetricsAddr == "" {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", o.MetricsAddr)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		<-done
	}
	return ln.Addr().String(), stop, nil
}
