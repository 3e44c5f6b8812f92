package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/status"
)

// setCallbackURL gives account A a callback URL, so that its order changes queue events.
func (e *testEnv) setCallbackURL(t testing.TB, u string) {
	t.Helper()
	a, err := e.db.Account(context.Background(), e.acctA.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.CallbackURL = u
	if err := e.db.UpdateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

func TestCallbackLogAPI(t *testing.T) {
	e := newTestEnv(t)
	e.setCallbackURL(t, "https://shop-a.example/hook")
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CB-1", 1, 2))
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	o := decode[status.Order](t, body)
	path := "/v4/track/orders/" + o.ID + "/callbacks/"

	for _, c := range []struct {
		name  string
		token string
		want  int
	}{{"no token", "", http.StatusUnauthorized}, {"other account", e.tokenB, http.StatusNotFound}, {"own account", e.tokenA, http.StatusOK}} {
		if code, body := e.do(t, "GET", path, c.token, nil); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, body, c.want)
		}
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/o_missing/callbacks/", e.tokenA, nil); code != http.StatusNotFound {
		t.Errorf("unknown order: %d, want 404", code)
	}

	// A carrier pushing a lifecycle change through the events API causes a callback too.
	code, body = e.do(t, "POST", "/v4/track/events/", e.tokenA, map[string]any{"courier": "dhl-germany",
		"tracking_number": "CB-1-TN0", "status_code": "Delivered", "event_timestamp": "2026-01-12T10:00:00Z"})
	if code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("POST event: %d %s", code, body)
	}
	_, body = e.do(t, "GET", path, e.tokenA, nil)
	log := decode[callbackLog](t, body)
	if log.Order != o.ID || len(log.Results) != 2 {
		t.Fatalf("log %s: want 2 deliveries of %s", body, o.ID)
	}
	if got := log.Results[0].Event + "," + log.Results[1].Event; got != "tracking.status_changed,order.accepted" {
		t.Errorf("events newest first %s, want tracking.status_changed,order.accepted", got)
	}
	for _, d := range log.Results {
		if d.State != callback.Pending || d.URL != "https://shop-a.example/hook" || d.Attempts == nil {
			t.Errorf("delivery %+v: want pending to the account URL, attempts []", d)
		}
	}
}

func TestCallbackURLCheckedOnSave(t *testing.T) {
	e := newTestEnv(t)
	for _, c := range []struct {
		name         string
		url          string
		allowPrivate bool
		want         int
	}{
		{"public host", "https://shop-a.example/hook", false, http.StatusCreated},
		{"loopback refused", "http://127.0.0.1:9000/hook", false, http.StatusBadRequest},
		{"private refused", "http://10.0.0.5/hook", false, http.StatusBadRequest},
		{"metadata service refused", "http://169.254.169.254/latest/", false, http.StatusBadRequest},
		{"loopback allowed by the operator", "http://127.0.0.1:9000/hook", true, http.StatusCreated},
		{"not http", "ftp://shop-a.example/hook", true, http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.srv.cfg.AllowPrivateCallbacks = c.allowPrivate
			p := orderPayload(1001, "URL-"+strings.ReplaceAll(c.name, " ", "-"), 0, 0)
			p["callback_url"] = c.url
			code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
			if code != c.want {
				t.Fatalf("PUT callback_url %s: %d %s, want %d", c.url, code, body, c.want)
			}
			if code == http.StatusBadRequest {
				if n := strings.Count(string(body), `"attr":"callback_url"`); n != 1 {
					t.Errorf("%s: want exactly one callback_url problem", body)
				}
			}
		})
	}
}

// fakeCarrier is a carrier adapter that answers from memory and counts its calls.
type fakeCarrier struct {
	mu    sync.Mutex
	calls int
	cps   []status.Checkpoint
	err   error
}

func (f *fakeCarrier) Courier() []string { return []string{"dhl-germany"} }

func (f *fakeCarrier) Fetch(ctx context.Context, number string) ([]status.Checkpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return append([]status.Checkpoint(nil), f.cps...), f.err
}

func (f *fakeCarrier) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// get sends a GET and returns the response with its body.
func (e *testEnv) get(t testing.TB, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestLiveRefresh(t *testing.T) {
	e := newTestEnv(t)
	e.setCallbackURL(t, "https://shop-a.example/hook")
	now := time.Date(2026, 1, 12, 12, 0, 0, 0, time.UTC)
	e.srv.SetClock(func() time.Time { return now })
	fc := &fakeCarrier{cps: []status.Checkpoint{{StatusCode: "Delivered", EventTimestamp: "2026-01-12T11:00:00.000Z", StatusDetails: "Delivered to the recipient", Location: "Leipzig, DE"}}}
	e.srv.cfg.Carriers = carrier.NewRegistry(fc)
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LR-1", 1, 3)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	q := "/v4/track/orders/info/?courier=dhl-germany&tracking_number=LR-1-TN0"

	resp, body := e.get(t, q, "")
	if h := resp.Header.Get(liveRefreshHeader); h != "" || fc.count() != 0 {
		t.Fatalf("without live_refresh: header %q, %d carrier calls; want none", h, fc.count())
	}
	info := decode[status.Info](t, body)
	if !info.Trackings[0].SupportsLiveRefresh {
		t.Error("supports_live_refresh = false for a courier with an adapter")
	}

	resp, body = e.get(t, q+"&live_refresh=true", "")
	info = decode[status.Info](t, body)
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != http.StatusOK || h != "refreshed" {
		t.Fatalf("first refresh: %d, header %q; want 200 refreshed", resp.StatusCode, h)
	}
	if got := info.Trackings[0].LastDeliveryStatus.StatusCode; got != "Delivered" {
		t.Errorf("after refresh the status is %s, want the carrier's Delivered", got)
	}
	stored, err := e.db.Order(context.Background(), mustOrderID(t, e, "LR-1"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(stored.Trackings[0].Checkpoints); n != 4 {
		t.Errorf("stored %d checkpoints, want 3 + 1 new", n)
	}
	if c := stored.Trackings[0].Checkpoints[0]; c.Courier != "dhl-germany" {
		t.Errorf("refreshed checkpoint courier %q, want dhl-germany", c.Courier)
	}
	ds, err := e.db.CallbackDeliveries(context.Background(), stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Event != callback.TrackingStatusChanged {
		t.Errorf("deliveries %+v: want the refresh's status change queued", ds)
	}

	// Within 5 minutes the carrier is not asked again, from this or any request.
	now = now.Add(4*time.Minute + 59*time.Second)
	resp, _ = e.get(t, q+"&live_refresh=true", e.tokenA)
	if h := resp.Header.Get(liveRefreshHeader); h != "skipped-recent" || fc.count() != 1 {
		t.Errorf("within 5 minutes: header %q, %d calls; want skipped-recent, 1", h, fc.count())
	}

	// After 5 minutes it is; the same events again change nothing.
	now = now.Add(time.Second)
	resp, _ = e.get(t, q+"&live_refresh=true", "")
	if h := resp.Header.Get(liveRefreshHeader); h != "refreshed" || fc.count() != 2 {
		t.Errorf("after 5 minutes: header %q, %d calls; want refreshed, 2", h, fc.count())
	}
	again, _ := e.db.Order(context.Background(), stored.ID)
	if again.Version != stored.Version || len(again.Trackings[0].Checkpoints) != 4 {
		t.Errorf("a refresh without new events rewrote the order (version %d -> %d)", stored.Version, again.Version)
	}

	// A carrier error falls back to the stored data.
	now = now.Add(5 * time.Minute)
	fc.mu.Lock()
	fc.err = carrier.ErrNotFound
	fc.mu.Unlock()
	resp, body = e.get(t, q+"&live_refresh=true", "")
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != http.StatusOK || h != "failed-error" {
		t.Errorf("carrier error: %d, header %q; want 200 failed-error", resp.StatusCode, h)
	}
	if got := decode[status.Info](t, body).Trackings[0].LastDeliveryStatus.StatusCode; got != "Delivered" {
		t.Errorf("fallback status %s, want the stored Delivered", got)
	}
}

func TestLiveRefreshUnsupportedCourier(t *testing.T) {
	e := newTestEnv(t)
	e.srv.cfg.Carriers = carrier.NewRegistry(&fakeCarrier{})
	p := orderPayload(1001, "LR-2", 1, 1)
	p["trackings"].([]any)[0].(map[string]any)["courier"] = "ups"
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p); code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	resp, body := e.get(t, "/v4/track/orders/info/?courier=ups&tracking_number=LR-2-TN0&live_refresh=true", "")
	if h := resp.Header.Get(liveRefreshHeader); h != "unsupported" {
		t.Errorf("header %q, want unsupported", h)
	}
	if decode[status.Info](t, body).Trackings[0].SupportsLiveRefresh {
		t.Error("supports_live_refresh = true without an adapter")
	}
}

// hangingDHL is a DHL API that never answers (until the client gives up).
func hangingDHL(t testing.TB) *carrier.Registry {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	return carrier.NewRegistry(carrier.NewDHL(srv.URL, "key"))
}

func TestLiveRefreshHangingCarrierFallsBack(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 3 s budget")
	}
	e := newTestEnv(t)
	e.srv.cfg.Carriers = hangingDHL(t)
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LR-3", 1, 2)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	resp, body := e.get(t, "/v4/track/orders/info/?courier=dhl-germany&tracking_number=LR-3-TN0&live_refresh=true", "")
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != http.StatusOK || h != "failed-timeout" {
		t.Fatalf("hanging carrier: %d, header %q; want 200 failed-timeout", resp.StatusCode, h)
	}
	if got := decode[status.Info](t, body).Trackings[0].LastDeliveryStatus.StatusCode; got != "PickedUp" {
		t.Errorf("fallback status %s, want the stored PickedUp", got)
	}
}

func mustOrderID(t testing.TB, e *testEnv, number string) string {
	t.Helper()
	ids, err := e.db.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: number}, 1)
	if err != nil || len(ids) != 1 {
		t.Fatalf("order %s: %v %v", number, ids, err)
	}
	return ids[0]
}

// BenchmarkInfoLiveRefreshHangingCarrier measures an info request with live_refresh=true
// while the carrier never answers: the response must come after the 3 s budget, not later.
func BenchmarkInfoLiveRefreshHangingCarrier(b *testing.B) {
	e := newTestEnv(b)
	e.srv.cfg.Carriers = hangingDHL(b)
	now := time.Now()
	e.srv.SetClock(func() time.Time { return now })
	if code, body := e.do(b, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LR-B", 1, 2)); code != http.StatusCreated {
		b.Fatalf("PUT: %d %s", code, body)
	}
	q := "/v4/track/orders/info/?" + url.Values{"courier": {"dhl-germany"}, "tracking_number": {"LR-B-TN0"}, "live_refresh": {"true"}}.Encode()
	var worst time.Duration
	b.ResetTimer()
	for range b.N {
		now = now.Add(6 * time.Minute) // past the 5-minute limit, so that every request asks the carrier
		start := time.Now()
		resp, _ := e.get(b, q, "")
		if d := time.Since(start); d > worst {
			worst = d
		}
		if h := resp.Header.Get(liveRefreshHeader); h != "failed-timeout" {
			b.Fatalf("header %q, want failed-timeout", h)
		}
	}
	b.ReportMetric(worst.Seconds(), "max-s/op")
}

func TestPageLiveRefresh(t *testing.T) {
	e := newTestEnv(t)
	fc := &fakeCarrier{cps: []status.Checkpoint{{StatusCode: "OutForDelivery", EventTimestamp: "2026-01-12T11:00:00.000Z", Location: "Leipzig, DE"}}}
	e.srv.cfg.Carriers = carrier.NewRegistry(fc)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LRP-1", 1, 2))
	resp, body := e.get(t, "/track?courier=dhl-germany&tracking_number=LRP-1-TN0&live_refresh=true&lang=en", "")
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != 200 || h != "refreshed" || !strings.Contains(string(body), "Out for delivery") {
		t.Errorf("page live refresh: %d %q", resp.StatusCode, h)
	}
	if testing.Short() {
		return
	}
	e.srv.cfg.Carriers = hangingDHL(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LRP-2", 1, 2))
	resp, body = e.get(t, "/track?courier=dhl-germany&tracking_number=LRP-2-TN0&live_refresh=true&lang=en", "")
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != 200 || h != "failed-timeout" || !strings.Contains(string(body), "latest saved updates") {
		t.Errorf("page with a hanging carrier: %d %q", resp.StatusCode, h)
	}
}

func TestWidgetLiveRefresh(t *testing.T) {
	e := newTestEnv(t)
	fc := &fakeCarrier{cps: []status.Checkpoint{{StatusCode: "OutForDelivery", EventTimestamp: "2026-01-12T11:00:00.000Z", Location: "Leipzig, DE"}}}
	e.srv.cfg.Carriers = carrier.NewRegistry(fc)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LRW-1", 1, 2))
	q := signedQuery(e.acctA, url.Values{"account": {"1001"}, "order_number": {"LRW-1"}}, "")
	resp, _ := e.get(t, "/v4/track/orders/info-widget/?"+q.Encode(), "")
	if h := resp.Header.Get(liveRefreshHeader); h != "" || fc.count() != 0 {
		t.Fatalf("without live_refresh: %q, %d calls", h, fc.count())
	}
	resp, body := e.get(t, "/v4/track/orders/info-widget/?"+q.Encode()+"&live_refresh=true", "")
	if h := resp.Header.Get(liveRefreshHeader); resp.StatusCode != 200 || h != "refreshed" || fc.count() != 1 || len(body) == 0 {
		t.Errorf("widget live refresh: %d %q, %d calls", resp.StatusCode, h, fc.count())
	}
	if alt := mustRead(t, e, "/v4/track/orders/info-widget/alt?"+q.Encode()+"&lang=en"); !strings.Contains(alt, "Out for delivery") {
		t.Errorf("the refreshed status is not stored: %q", alt)
	}
}

func mustRead(t *testing.T, e *testEnv, path string) string {
	t.Helper()
	_, body := e.get(t, path, "")
	return string(body)
}
