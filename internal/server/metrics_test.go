package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// scrape fetches /metrics from the test server and parses it with the Prometheus text parser.
func scrape(t *testing.T, e *testEnv, header ...string) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+"/metrics", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample returns the value of the series of a family whose labels include want (a counter's
// or gauge's value, a histogram's sample count), and whether it exists.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// TestMetricsScrape makes one request of each kind and finds its series in /metrics.
func TestMetricsScrape(t *testing.T) {
	e := newTestEnv(t)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(rcv.Close)
	e.setCallbackURL(t, rcv.URL+"/hook")

	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "M-1", 1, 3))
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	o := decode[status.Order](t, body)
	if code, _ := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", e.tokenA, nil); code != http.StatusOK {
		t.Fatalf("GET order: %d", code)
	}
	widget := "/v4/track/orders/info-widget/?account=1001&order_number=M-1"
	for range 2 { // a miss, then a hit
		if code, _ := e.do(t, "GET", widget, e.tokenA, nil); code != http.StatusOK {
			t.Fatalf("widget: %d", code)
		}
	}
	if code, _ := e.do(t, "GET", "/track?account=1001&order_number=M-1", "", nil); code != http.StatusOK {
		t.Fatalf("page: %d", code)
	}
	// Wrong proofs until the per-order limit refuses one.
	for i := 0; i <= auth.OrderAddrAttempts; i++ {
		e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=M-1&recipient_postal_code=99999", "", nil)
	}
	// Failed staff logins until the per-(email, address) limit refuses one.
	for i := 0; i <= auth.LoginPairFailures; i++ {
		req, _ := http.NewRequest("POST", e.http.URL+"/support/login", strings.NewReader(url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	fams := scrape(t, e)
	pending, ok := sample(fams, "orderstatus_outbox_pending", nil)
	if !ok || pending < 1 {
		t.Errorf("orderstatus_outbox_pending = %v (present %v), want at least the order.accepted event", pending, ok)
	}
	if _, ok := sample(fams, "orderstatus_outbox_oldest_pending_age_seconds", nil); !ok {
		t.Error("no orderstatus_outbox_oldest_pending_age_seconds")
	}

	// The callback worker delivers the pending events to the receiver.
	w := callback.NewWorker(e.admin, callback.Config{AllowPrivate: true, OnOutcome: e.srv.CountCallback}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n, err := w.RunOnce(context.Background()); err != nil || n == 0 {
		t.Fatalf("RunOnce: %d %v", n, err)
	}

	fams = scrape(t, e)
	// Only the SQLite store reports its group-commit writer and its caches.
	// The SQLite store's own writer and caches (the read path's caches exist on either engine).
	sqliteOnly := func(name string, labels map[string]string) bool {
		switch name {
		case "orderstatus_db_commits_total", "orderstatus_db_writes_total", "orderstatus_db_writer_seconds_total", "orderstatus_db_batch_size":
			return true
		case "orderstatus_cache_misses_total", "orderstatus_cache_hits_total":
			return labels["cache"] == "statement" || labels["cache"] == "callback_url"
		}
		return false
	}
	atLeast := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"orderstatus_http_requests_total", map[string]string{"route": "PUT /v4/track/orders", "status": "2xx"}, 1},
		{"orderstatus_http_requests_total", map[string]string{"route": "GET /v4/track/orders/{id}", "status": "2xx"}, 1},
		{"orderstatus_http_requests_total", map[string]string{"route": "GET /track", "status": "2xx"}, 1},
		{"orderstatus_http_requests_total", map[string]string{"route": "GET /v4/track/orders/info", "status": "4xx"}, 1},
		{"orderstatus_http_request_duration_seconds", map[string]string{"route": "GET /v4/track/orders/info-widget", "status": "2xx"}, 2},
		{"orderstatus_http_request_duration_seconds", map[string]string{"route": "POST /support/login", "status": "4xx"}, 1},
		{"orderstatus_db_commits_total", nil, 1},
		{"orderstatus_db_writes_total", nil, 1},
		{"orderstatus_db_writer_seconds_total", nil, 0},
		{"orderstatus_db_batch_size", nil, 1},
		{"orderstatus_outbox_pending", nil, 0},
		{"orderstatus_callback_deliveries_total", map[string]string{"outcome": "delivered"}, 1},
		{"orderstatus_cache_hits_total", map[string]string{"cache": "responses"}, 1},
		{"orderstatus_cache_misses_total", map[string]string{"cache": "responses"}, 1},
		{"orderstatus_cache_bytes", map[string]string{"cache": "responses"}, 1},
		{"orderstatus_cache_max_bytes", map[string]string{"cache": "orders"}, 1},
		{"orderstatus_cache_hits_total", map[string]string{"cache": "accounts"}, 1},
		{"orderstatus_cache_misses_total", map[string]string{"cache": "callback_url"}, 1},
		{"orderstatus_cache_hits_total", map[string]string{"cache": "statement"}, 1},
		{"orderstatus_rate_limit_refusals_total", map[string]string{"kind": auth.RefusedVerifyOrder}, 1},
		{"orderstatus_rate_limit_refusals_total", map[string]string{"kind": auth.RefusedLoginEmail}, 1},
		{"go_goroutines", nil, 1},
		{"go_memstats_heap_alloc_bytes", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	}
	for _, c := range atLeast {
		got, ok := sample(fams, c.name, c.labels)
		if sqliteOnly(c.name, c.labels) && e.sqlite == nil {
			if ok {
				t.Errorf("%s%v reported on PostgreSQL", c.name, c.labels)
			}
			continue
		}
		if !ok {
			t.Errorf("%s%v missing", c.name, c.labels)
		} else if got < c.min {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.min)
		}
	}
	if got, _ := sample(fams, "orderstatus_outbox_pending", nil); got != 0 {
		t.Errorf("outbox pending after delivery = %v, want 0", got)
	}
	if f := fams["orderstatus_http_request_duration_seconds"]; f == nil || f.GetType() != dto.MetricType_HISTOGRAM {
		t.Error("request durations are not a histogram")
	}
	// Route labels are patterns (chi drops the trailing slash of subrouter routes), never raw
	// paths with ids in them.
	for _, m := range fams["orderstatus_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), o.ID) {
				t.Errorf("route label %q holds an order id", l.GetValue())
			}
		}
	}
}

func TestMetricsAccess(t *testing.T) {
	get := func(t *testing.T, e *testEnv, header ...string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+"/metrics", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("loopback scraper by default", func(t *testing.T) {
		e := newTestEnv(t)
		if code := get(t, e); code != http.StatusOK {
			t.Errorf("loopback: %d, want 200", code)
		}
		// A reverse proxy on this host also connects from loopback, for everyone.
		if code := get(t, e, "X-Forwarded-For", "203.0.113.5"); code != http.StatusForbidden {
			t.Errorf("forwarded by a local proxy: %d, want 403", code)
		}
	})
	t.Run("remote peer refused", func(t *testing.T) {
		e := newTestEnv(t)
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = "198.51.100.7:5000"
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "ORDERSTATUS_METRICS_TOKEN") {
			t.Errorf("remote: %d %q, want 403 naming the token setting", w.Code, w.Body.String())
		}
	})
	t.Run("bearer token", func(t *testing.T) {
		e := newTestEnvConfig(t, filepath.Join(t.TempDir(), "test.db"), false, Config{BaseURL: "http://example.test", MetricsToken: "s3cret-metrics"})
		if code := get(t, e); code != http.StatusUnauthorized {
			t.Errorf("no token: %d, want 401", code)
		}
		if code := get(t, e, "Authorization", "Bearer wrong"); code != http.StatusUnauthorized {
			t.Errorf("wrong token: %d, want 401", code)
		}
		if code := get(t, e, "Authorization", "Bearer s3cret-metrics", "X-Forwarded-For", "203.0.113.5"); code != http.StatusOK {
			t.Errorf("right token through a proxy: %d, want 200", code)
		}
	})
	t.Run("separate listener", func(t *testing.T) {
		e := newTestEnvConfig(t, filepath.Join(t.TempDir(), "test.db"), false, Config{BaseURL: "http://example.test", MetricsSeparate: true})
		if code := get(t, e); code != http.StatusNotFound {
			t.Errorf("main listener: %d, want 404", code)
		}
		m := httptest.NewServer(e.srv.MetricsHandler())
		defer m.Close()
		resp, err := http.Get(m.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "orderstatus_http_requests_total") {
			t.Errorf("metrics listener: %d, want 200 with the series", resp.StatusCode)
		}
	})
}
