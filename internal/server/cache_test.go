package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// cachedSurface is one cached response of one order at one access level.
type cachedSurface struct {
	name  string
	url   string
	token string
	// account: the surface shows the account's name.
	account bool
}

func cachedSurfaces(e *testEnv, number string) []cachedSurface {
	l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: number}
	signed := auth.SignedQuery(e.acctA, l, 0, time.Now()).Encode()
	plain := "account=1001&order_number=" + number
	base := e.http.URL
	return []cachedSurface{
		{name: "page public", url: base + "/track?" + plain, account: true},
		{name: "page shopper", url: base + "/track?" + signed, account: true},
		{name: "info public", url: base + "/v4/track/orders/info/?" + plain},
		{name: "info shopper", url: base + "/v4/track/orders/info/?" + signed},
		{name: "info full", url: base + "/v4/track/orders/info/?" + plain, token: e.tokenA},
		{name: "widget", url: base + "/v4/track/orders/info-widget/?" + signed, account: true},
		{name: "widget alt", url: base + "/v4/track/orders/info-widget/alt?" + signed},
	}
}

func (c cachedSurface) get(t *testing.T, hdr ...string) (int, string, http.Header) {
	t.Helper()
	if c.token != "" {
		hdr = append(hdr, "Authorization", "Bearer "+c.token)
	}
	return get(t, nil, c.url, hdr...)
}

// warm fetches every surface twice (the second answer comes from the caches) and returns
// the answers.
func warm(t *testing.T, surfaces []cachedSurface) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range surfaces {
		code, first, _ := c.get(t)
		code2, second, _ := c.get(t)
		if code != 200 || code2 != 200 || first != second {
			t.Fatalf("%s: %d then %d, same body %v", c.name, code, code2, first == second)
		}
		out[c.name] = second
	}
	return out
}

// Every write is visible on the very next request of every cached surface and level.
func TestCachedSurfacesSeeEveryWrite(t *testing.T) {
	e := newTestEnv(t)
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CW-1", 1, 2)); code != 200 && code != 201 {
		t.Fatalf("put: %d %.300s", code, body)
	}
	surfaces := cachedSurfaces(e, "CW-1")
	ctx := context.Background()
	writes := []struct {
		name string
		do   func(t *testing.T)
		// only: the surfaces the write must change (all when nil).
		only func(c cachedSurface) bool
	}{
		{"event", func(t *testing.T) {
			ev := map[string]any{"courier": "dhl-germany", "tracking_number": "CW-1-TN0", "status_code": "OutForDelivery",
				"event_timestamp": "2026-01-12T07:30:00+01:00", "location": "Leipzig"}
			if code, body := e.do(t, "POST", "/v4/track/events/", e.tokenA, ev); code != 200 {
				t.Fatalf("event: %d %s", code, body)
			}
		}, nil},
		{"put", func(t *testing.T) {
			p := orderPayload(1001, "CW-1", 1, 2)
			tr := p["trackings"].([]any)[0].(map[string]any)
			tr["checkpoints"] = append(tr["checkpoints"].([]any), map[string]any{"status_code": "Delivered",
				"event_timestamp": "2026-01-12T12:00:00+01:00", "location": "Leipzig, DE"})
			if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p); code != 200 && code != 201 {
				t.Fatalf("put: %d %.300s", code, body)
			}
		}, nil},
		{"language", func(t *testing.T) {
			p := orderPayload(1001, "CW-1", 1, 6)
			p["language_iso2"] = "fr"
			if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p); code != 200 && code != 201 {
				t.Fatalf("put: %d %.300s", code, body)
			}
		}, nil},
		{"live refresh", func(t *testing.T) {
			// A live refresh through the info API stores what the carrier says; every other
			// surface sees it on its next request.
			fc := &fakeCarrier{cps: []status.Checkpoint{{StatusCode: "FailedAttempt-NewAttemptNextDay", EventTimestamp: "2026-01-13T09:00:00.000Z", Location: "Leipzig, DE"}}}
			e.srv.cfg.Carriers = carrier.NewRegistry(fc)
			resp, body := e.get(t, "/v4/track/orders/info/?account=1001&order_number=CW-1&live_refresh=true", e.tokenA)
			if resp.StatusCode != 200 || resp.Header.Get(liveRefreshHeader) != "refreshed" || fc.count() != 1 {
				t.Fatalf("live refresh: %d %q, %d carrier calls: %.200s", resp.StatusCode, resp.Header.Get(liveRefreshHeader), fc.count(), body)
			}
		}, func(c cachedSurface) bool { return c.name != "info full" }},
		{"cancel", func(t *testing.T) {
			p := orderPayload(1001, "CW-1", 1, 6)
			p["order_status"] = "Cancelled"
			if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p); code != 200 && code != 201 {
				t.Fatalf("cancel: %d %.300s", code, body)
			}
		}, nil},
		{"account", func(t *testing.T) {
			a, err := e.db.Account(ctx, 1001)
			if err != nil {
				t.Fatal(err)
			}
			a.Name = "Renamed Shop"
			if err := e.db.UpdateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
		}, func(c cachedSurface) bool { return c.account }},
	}
	for _, w := range writes {
		before := warm(t, surfaces)
		w.do(t)
		for _, c := range surfaces {
			if w.only != nil && !w.only(c) {
				continue
			}
			code, after, _ := c.get(t)
			if code != 200 {
				t.Errorf("after %s, %s: %d", w.name, c.name, code)
			} else if after == before[c.name] {
				t.Errorf("after %s, %s answers what it answered before the write", w.name, c.name)
			}
		}
	}
	// The rename shows where the account's name does.
	if _, page, _ := surfaces[1].get(t); !strings.Contains(page, "Renamed Shop") {
		t.Error("the page does not show the account's new name")
	}
}

// Access changes apply to the next request: a revoked token, a rotated signing key.
func TestCachedAccessChanges(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CA-1", 1, 2))
	surfaces := cachedSurfaces(e, "CA-1")
	warm(t, surfaces)
	tokens, err := e.admin.Tokens(ctx, 1001)
	if err != nil || len(tokens) == 0 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	if err := e.admin.RevokeToken(ctx, 1001, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := surfaces[4].get(t); code != http.StatusUnauthorized {
		t.Errorf("info with a revoked token: %d, want 401", code)
	}
	// Rotating twice retires the key the links were signed with.
	a, _ := e.db.Account(ctx, 1001)
	a.PreviousSigningKey, a.SigningKey = "rotated-1", "rotated-2"
	if err := e.db.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 3} { // page shopper, info shopper
		_, body, _ := surfaces[i].get(t)
		if strings.Contains(body, "Erika") || strings.Contains(body, "Hauptstr") {
			t.Errorf("%s still shows personal data after the signing key was retired", surfaces[i].name)
		}
	}
	if _, _, h := surfaces[5].get(t); !strings.HasPrefix(h.Get("X-Orderstatus-Widget"), "fallback") {
		t.Errorf("widget with a retired key: %q, want the fallback", h.Get("X-Orderstatus-Widget"))
	}
}

// A response kept for a shopper is never sent to a public caller, in either order.
func TestCachedShopperNeverPublic(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CS-1", 2, 3))
	s := cachedSurfaces(e, "CS-1")
	for _, pair := range [][2]cachedSurface{{s[1], s[0]}, {s[3], s[2]}} {
		shopper, public := pair[0], pair[1]
		for range 2 {
			_, sb, _ := shopper.get(t)
			if !strings.Contains(sb, "Erika") {
				t.Fatalf("%s lacks the recipient", shopper.name)
			}
			_, pb, _ := public.get(t)
			if strings.Contains(pb, "Erika") || strings.Contains(pb, "04109") {
				t.Errorf("%s after %s shows personal data", public.name, shopper.name)
			}
		}
	}
}

// ETags: 304 while the version is unchanged, 200 with a new ETag after a write.
func TestCachedConditionalRequests(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CE-1", 1, 2))
	for _, c := range cachedSurfaces(e, "CE-1") {
		_, _, h := c.get(t)
		etag := h.Get("ETag")
		if etag == "" || !strings.HasPrefix(etag, `"v`) {
			t.Fatalf("%s: ETag %q", c.name, etag)
		}
		if code, body, _ := c.get(t, "If-None-Match", etag); code != http.StatusNotModified || body != "" {
			t.Errorf("%s: If-None-Match of the current ETag: %d %q", c.name, code, body)
		}
		if code, _, _ := c.get(t, "If-None-Match", `"v1-000"`); code != 200 {
			t.Errorf("%s: another ETag: %d", c.name, code)
		}
	}
	before := map[string]string{}
	for _, c := range cachedSurfaces(e, "CE-1") {
		_, _, h := c.get(t)
		before[c.name] = h.Get("ETag")
	}
	ev := map[string]any{"courier": "dhl-germany", "tracking_number": "CE-1-TN0", "status_code": "OutForDelivery",
		"event_timestamp": "2026-01-12T07:30:00+01:00"}
	e.do(t, "POST", "/v4/track/events/", e.tokenA, ev)
	for _, c := range cachedSurfaces(e, "CE-1") {
		code, _, h := c.get(t, "If-None-Match", before[c.name])
		if code != 200 || h.Get("ETag") == before[c.name] {
			t.Errorf("%s after a write: %d, ETag %q (was %q)", c.name, code, h.Get("ETag"), before[c.name])
		}
	}
}

// Compressed answers decode to the same bytes, for every encoding a client may ask for.
func TestCachedCompression(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CZ-1", 2, 4))
	c := cachedSurfaces(e, "CZ-1")[1] // the shopper page
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	raw := func(enc string) (string, []byte) {
		req, _ := http.NewRequest("GET", c.url, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.Header.Get("Content-Encoding"), []byte(b.String())
	}
	_, identity := raw("")
	for _, enc := range []string{"gzip", "br", "gzip, deflate, br", "br;q=0, gzip"} {
		got, body := raw(enc)
		want := "br"
		if !strings.Contains(enc, "br") || strings.Contains(enc, "br;q=0") {
			want = "gzip"
		}
		if got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", enc, got, want)
			continue
		}
		if len(body) >= len(identity) {
			t.Errorf("%s: %d bytes, not smaller than %d", enc, len(body), len(identity))
		}
		if dec := decodedBody(t, got, body); string(dec) != string(identity) {
			t.Errorf("%s: decodes to other bytes", enc)
		}
	}
}

// The caches stay within their bound under a flood of distinct orders.
func TestCacheBound(t *testing.T) {
	e := newTestEnvConfig(t, t.TempDir()+"/db.sqlite", true, Config{CacheBytes: 4 << 20})
	for i := range 150 {
		n := fmt.Sprintf("CB-%03d", i)
		if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, n, 3, 6)); code != 200 && code != 201 {
			t.Fatalf("put: %d %.300s", code, body)
		}
		l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: n}
		for _, p := range []string{"/track?", "/v4/track/orders/info/?"} {
			if code, _, _ := get(t, nil, e.http.URL+p+auth.SignedQuery(e.acctA, l, 0, time.Now()).Encode()); code != 200 {
				t.Fatalf("%s%s: %d", p, n, code)
			}
		}
	}
	total := int64(0)
	for name, st := range e.srv.cacheStats() {
		if st.Bytes > st.MaxBytes {
			t.Errorf("%s: %d bytes over its bound of %d", name, st.Bytes, st.MaxBytes)
		}
		total += st.MaxBytes
	}
	if total > 4<<20 {
		t.Errorf("the bounds add up to %d, over the configured 4 MiB", total)
	}
	if st := e.srv.cacheStats()["responses"]; st.Evictions == 0 {
		t.Error("the flood evicted nothing: the bound was not reached")
	}
}

// A write by another process on the same database (orderstatus import, account set) is seen
// by the next request, without a restart.
func TestCachedSeesOtherProcesses(t *testing.T) {
	e := newTestEnv(t)
	needSQLite(t, "another process on the same SQLite file (PostgreSQL instances: TestCachesAcrossPostgresInstances)")
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "CP-1", 1, 2))
	surfaces := cachedSurfaces(e, "CP-1")
	before := warm(t, surfaces)
	other, err := sqlite.Open(context.Background(), e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	in := &status.Ingest{Store: other, Now: time.Now}
	body := []byte(`{"courier": "dhl-germany", "tracking_number": "CP-1-TN0", "status_code": "Delivered", "event_timestamp": "2026-01-12T10:30:00+01:00"}`)
	if _, err := in.AddEvents(context.Background(), e.acctA, body); err != nil {
		t.Fatal(err)
	}
	for _, c := range surfaces {
		if _, after, _ := c.get(t); after == before[c.name] {
			t.Errorf("%s: the other process's event is not seen", c.name)
		}
	}
	// A lookup that found nothing finds the order another process imported.
	l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "CP-2"}
	info := e.http.URL + "/v4/track/orders/info/?" + auth.SignedQuery(e.acctA, l, 0, time.Now()).Encode()
	for range 2 {
		if code, _, _ := get(t, nil, info); code != http.StatusNotFound {
			t.Fatalf("CP-2 before it exists: %d", code)
		}
	}
	p, _ := json.Marshal(orderPayload(1001, "CP-2", 1, 1))
	if _, _, err := in.Save(context.Background(), e.acctA, p, false); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := get(t, nil, info); code != 200 {
		t.Errorf("CP-2 imported by another process: %d, want 200", code)
	}
}
