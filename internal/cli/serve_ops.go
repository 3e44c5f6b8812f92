package cli

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/orderstatus/orderstatus/internal/server"
)

// serveOps are serve's operator settings: logging, proxies and the metrics endpoint.
type serveOps struct {
	LogFormat      string
	TrustedProxies string
	MetricsAddr    string
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
	return nil
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
