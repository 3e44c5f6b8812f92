package server

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow is the clock of the info tests: the rich order's events lie just before it.
var fixedNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// richOrder is a three-parcel order: ready for pickup, exception, delivered.
func richOrder(m func(field string) string) map[string]any {
	if m == nil {
		m = func(f string) string {
			return map[string]string{"name": "Erika Mustermann", "email": "erika@example.com", "line": "Hauptstraße 5", "extra": "2. OG",
				"postal": "04109", "phone": "+49 341 123456", "article": "Gartenschlauch 20 m", "sig": "E. Mustermann",
				"cod": "49.90", "pickup_line": "Markt 1", "pickup_postal": "04109", "first": "Erika", "last": "Mustermann",
				"company": "Mustermann GmbH", "customer": "KD-1", "sku": "GS-20", "image": "/demo/assets/hose.svg", "pod": "POD-1"}[f]
		}
	}
	addr := map[string]any{"first_name": m("first"), "last_name": m("last"), "company_name": m("company"), "address_line": m("line"),
		"address_line_extra": m("extra"), "postal_code": m("postal"), "city": "Leipzig", "country_iso3": "DEU", "phone": m("phone")}
	cp := func(code, ts, loc, details string) map[string]any {
		return map[string]any{"status_code": code, "event_timestamp": ts, "location": loc, "status_details": details, "timezone": "Europe/Berlin"}
	}
	return map[string]any{
		"account": 1001, "order_number": "R-100", "external_order_id": "3f2b8c1e-9a4d-4c6b-8f1e-2d7a9b0c1e3f", "external_reference": "ERP-100",
		"recipient_email": m("email"), "recipient_name": m("name"), "customer_number": m("customer"), "language_iso2": "de",
		"destination_country_iso3": "DEU", "order_date": "2026-01-10T09:00:00Z", "timezone": "Europe/Berlin",
		"cod": [][]string{{"EUR", m("cod")}}, "has_multiple_shipments": true,
		"trackings": []any{
			map[string]any{"tracking_number": "00340434161094015902", "courier": "dhl-germany", "courier_name": "DHL",
				"recipient_postal_code": m("postal"), "shipping_address": addr, "external_reference": "PKG-1",
				"announced_delivery_date": "2026-01-14",
				"pickup_location": map[string]any{"name": "Postfiliale 502", "hold_until": "2026-01-21",
					"address":       map[string]any{"address_line": m("pickup_line"), "postal_code": m("pickup_postal"), "city": "Leipzig", "country_iso3": "DEU"},
					"opening_hours": []any{map[string]any{"day": "mon", "open": "09:00", "close": "18:00"}, map[string]any{"day": "sat", "open": "09:00", "close": "13:00"}}},
				"articles": []any{map[string]any{"article_name": m("article"), "sku": m("sku"), "quantity": 1, "unit_price": "29.90", "article_image_url": m("image")}},
				"checkpoints": []any{cp("PickedUp", "2026-01-11T08:00:00+01:00", "Leipzig, DE", "Sendung übernommen"),
					cp("InTransit", "2026-01-12T06:00:00+01:00", "Hub Leipzig", ""),
					cp("PickupReady", "2026-01-14T10:00:00+01:00", "Postfiliale 502", "Abholbereit")}},
			map[string]any{"tracking_number": "00340434161094015903", "courier": "dhl-germany", "recipient_postal_code": m("postal"),
				"shipping_address": addr, "pod_signature": m("sig"), "pod_identifier": m("pod"),
				"checkpoints": []any{cp("InTransit", "2026-01-12T06:00:00+01:00", "Hub Leipzig", ""),
					cp("Exception-AddressIssue", "2026-01-13T09:00:00+01:00", "Leipzig", "Hausnummer fehlt"),
					map[string]any{"status_code": "Hub-Processed", "event_timestamp": "2026-01-13T10:00:00+01:00", "is_hidden": true, "status_details": "internal re-sort"}}},
			map[string]any{"tracking_number": "1Z999AA10123456784", "courier": "ups", "courier_name": "UPS", "recipient_postal_code": m("postal"),
				"pod_date":    "2026-01-13",
				"checkpoints": []any{cp("InTransit", "2026-01-11T06:00:00+01:00", "Köln", ""), cp("Delivered-Neighbour", "2026-01-13T14:00:00+01:00", "Leipzig", "Bei Nachbar abgegeben")}},
		},
	}
}

func newInfoEnv(t testing.TB) *testEnv {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	e.admin.SetClock(func() time.Time { return fixedNow })
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, richOrder(nil)); code != 201 {
		t.Fatalf("seed: %d %s", code, body)
	}
	return e
}

func signedQuery(a status.Account, q url.Values, exp string) url.Values {
	req, err := status.ParseInfoRequest(q)
	if err != nil {
		panic(err)
	}
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("s", auth.Sign(a.SigningKey, auth.SignatureMessage(req.Lookup.SignedParams(), exp)))
	if exp != "" {
		out.Set("exp", exp)
	}
	return out
}

func TestInfoGoldenPerAccessLevel(t *testing.T) {
	e := newInfoEnv(t)
	q := url.Values{"account": {"1001"}, "order_number": {"R-100"}, "lang": {"en"}}
	cases := []struct {
		level string
		query url.Values
		token string
	}{
		{"public", q, ""},
		{"shopper", signedQuery(e.acctA, q, ""), ""},
		{"full", q, e.tokenA},
	}
	for _, c := range cases {
		t.Run(c.level, func(t *testing.T) {
			code, body := e.do(t, "GET", "/v4/track/orders/info/?"+c.query.Encode(), c.token, nil)
			if code != 200 {
				t.Fatalf("%d %s", code, body)
			}
			info := decode[status.Info](t, body)
			if string(info.Access) != c.level {
				t.Fatalf("access = %s, want %s", info.Access, c.level)
			}
			// Tracking ids are random; replace them for the comparison.
			got := string(body)
			for i, tr := range info.Trackings {
				got = strings.ReplaceAll(got, tr.TrackingID, fmt.Sprintf("t_%d", i))
			}
			golden := filepath.Join("testdata", "info_"+c.level+".json")
			if *update {
				os.MkdirAll("testdata", 0o755)
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("response differs from %s (run with -update to accept):\n%s", golden, got)
			}
		})
	}
}

func TestInfoDerivedFields(t *testing.T) {
	e := newInfoEnv(t)
	code, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100", e.tokenA, nil)
	if code != 200 {
		t.Fatal(code)
	}
	info := decode[status.Info](t, body)
	if len(info.Trackings) != 3 {
		t.Fatalf("%d trackings", len(info.Trackings))
	}
	pick, exc, del := info.Trackings[0], info.Trackings[1], info.Trackings[2]
	if pick.LastDeliveryStatus.LifecycleStatus != status.PickupReady || pick.LastDeliveryStatus.Step != 4 || pick.ActionBox == nil || pick.ActionBox.Type != "pickup-location" {
		t.Errorf("pickup tracking: %+v %+v", pick.LastDeliveryStatus, pick.ActionBox)
	}
	if len(pick.ActionBox.OpeningHours) != 2 || pick.ActionBox.Raw.LatestDate == nil || *pick.ActionBox.Raw.LatestDate != "2026-01-21" || pick.ActionBox.Address == "" {
		t.Errorf("pickup action box incomplete: %+v", pick.ActionBox)
	}
	if pick.ReportingInfo.PickupDate == nil {
		t.Errorf("pickup_date missing")
	}
	if !exc.IsException || exc.LastDeliveryStatus.ExceptionType != "address_issue" || exc.ActionBox.Type != "next-action" {
		t.Errorf("exception tracking: %+v", exc.LastDeliveryStatus)
	}
	if exc.LastDeliveryStatus.StatusCode != "Exception-AddressIssue" {
		t.Errorf("hidden checkpoint became the status: %s", exc.LastDeliveryStatus.StatusCode)
	}
	if len(exc.Checkpoints) != 3 || !exc.Checkpoints[0].IsHidden {
		t.Errorf("full access must show the hidden checkpoint, marked: %+v", exc.Checkpoints)
	}
	if del.LastDeliveryStatus.LifecycleStatus != status.Delivered || del.ActionBox.Type != "vote-courier" || del.ReportingInfo.DeliveryDate == nil {
		t.Errorf("delivered tracking: %+v", del.LastDeliveryStatus)
	}
	if exc.ReportingInfo.ExceptionMessages[0] != "Hausnummer fehlt" {
		t.Errorf("exception messages %v", exc.ReportingInfo.ExceptionMessages)
	}
	for i := 1; i < len(pick.Checkpoints); i++ {
		if pick.Checkpoints[i-1].EventTimestamp < pick.Checkpoints[i].EventTimestamp {
			t.Errorf("checkpoints not newest first")
		}
	}
	if !strings.Contains(string(body), `"event_timestamp":"2026-01-14T09:00:00.000Z"`) {
		t.Errorf("timestamps not in UTC millisecond format")
	}
	// Announced for 2026-01-14 and ready for pickup that day: kept, not delayed.
	if pick.ReportingInfo.IsCustomerPromiseExceeded || pick.IsDelayed {
		t.Errorf("promise kept but reported exceeded or delayed: %+v", pick.ReportingInfo)
	}
	if pick.ReportingInfo.IsDelayedDispatch {
		t.Errorf("dispatch one day after the order is not delayed: %+v", pick.ReportingInfo)
	}
}

func TestInfoLookups(t *testing.T) {
	e := newInfoEnv(t)
	_, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100", e.tokenA, nil)
	tid := decode[status.Info](t, body).Trackings[1].TrackingID
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "OTHER-1", 1, 1))
	tests := []struct {
		name  string
		query string
		found bool
	}{
		{"order_number", "account=1001&order_number=R-100", true},
		{"order_number wrong account", "account=1002&order_number=R-100", false},
		{"order_number with client_key", "account=1001&order_number=R-100&client_key=other.example", false},
		{"external_order_id", "account=1001&external_order_id=3F2B8C1E-9A4D-4C6B-8F1E-2D7A9B0C1E3F", true},
		{"external_order_id wrong account", "account=1002&external_order_id=3f2b8c1e-9a4d-4c6b-8f1e-2d7a9b0c1e3f", false},
		{"external_reference of order", "account=1001&external_reference=ERP-100", true},
		{"external_reference of tracking", "account=1001&external_reference=PKG-1", true},
		{"external_reference wrong account", "account=1002&external_reference=ERP-100", false},
		{"tracking_number", "tracking_number=00340434161094015902&courier=dhl-germany", true},
		{"tracking_number with account", "tracking_number=00340434161094015902&courier=DHL-Germany&account=1001", true},
		{"tracking_number wrong courier", "tracking_number=00340434161094015902&courier=ups", false},
		{"tracking_number wrong account", "tracking_number=00340434161094015902&courier=dhl-germany&account=1002", false},
		{"customer_number", "account=1001&customer_number=KD-1", true},
		{"customer_number wrong account", "account=1002&customer_number=KD-1", false},
		{"recipient_email", "account=1001&recipient_email=%20Erika@EXAMPLE.com%20", true},
		{"recipient_email wrong account", "account=1002&recipient_email=erika@example.com", false},
		{"tracking_id", "tracking_id=" + tid, true},
		{"tracking_id unknown", "tracking_id=t_nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := e.tokenA
			if strings.Contains(tt.query, "account=1002") {
				token = e.tokenB
			}
			code, body := e.do(t, "GET", "/v4/track/orders/info/?"+tt.query, token, nil)
			if tt.found {
				if code != 200 || decode[status.Info](t, body).OrderNumber != "R-100" {
					t.Fatalf("%d %s", code, body)
				}
				return
			}
			if code != 404 {
				t.Fatalf("want 404, got %d %s", code, body)
			}
		})
	}
	// single_tracking keeps the named tracking only.
	code, body := e.do(t, "GET", "/v4/track/orders/info/?tracking_number=1Z999AA10123456784&courier=ups&single_tracking=true", "", nil)
	if info := decode[status.Info](t, body); code != 200 || len(info.Trackings) != 1 || info.Trackings[0].TrackingNumber != "1Z999AA10123456784" {
		t.Errorf("single_tracking: %d %s", code, body)
	}
}

func TestInfoBadLookups(t *testing.T) {
	e := newInfoEnv(t)
	for _, q := range []string{"", "lang=de", "order_number=R-100", "account=1001", "order_number=R-100&tracking_number=1&courier=ups&account=1001",
		"tracking_number=1", "external_order_id=nope&account=1001", "account=abc&order_number=R-100", "customer_number=KD-1&client_key=x&account=1001"} {
		code, body := e.do(t, "GET", "/v4/track/orders/info/?"+q, "", nil)
		if code != 400 || !strings.Contains(string(body), "client_error") {
			t.Errorf("%q: %d %s", q, code, body)
		}
		if q != "account=abc&order_number=R-100" && q != "external_order_id=nope&account=1001" && !strings.Contains(string(body), "tracking_number+courier") {
			t.Errorf("%q: the error does not list the accepted combinations: %s", q, body)
		}
	}
}

// leakMarkers fills every personal field with a unique marker.
func leakMarkers(field string) string {
	if field == "image" {
		return "/assets/MARKIMAGEX.svg"
	}
	return "MARK" + strings.ToUpper(field) + "X"
}

func TestInfoPublicLeaksNothing(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	p := richOrder(leakMarkers)
	p["recipient_email"] = "markemailx@example.com"
	p["cod"] = [][]string{{"EUR", "98765.43"}}
	tr(p)["articles"].([]any)[0].(map[string]any)["unit_price"] = "87654.32"
	tr(p)["recipient_postal_code"] = "MARKPOSTALX"
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p); code != 201 {
		t.Fatalf("%d %s", code, body)
	}
	markers := []string{"markemailx", "98765.43", "87654.32", "MARKIMAGEX"}
	for _, f := range []string{"name", "line", "extra", "postal", "phone", "article", "sig", "pickup_line", "pickup_postal", "first", "last", "company", "sku", "pod", "customer"} {
		markers = append(markers, leakMarkers(f))
	}
	lookups := []string{"account=1001&order_number=R-100", "account=1001&external_order_id=3f2b8c1e-9a4d-4c6b-8f1e-2d7a9b0c1e3f",
		"account=1001&external_reference=ERP-100", "tracking_number=00340434161094015902&courier=dhl-germany",
		"account=1001&order_number=R-100&recipient_postal_code=wrong", "account=1001&order_number=R-100&s=0123456789abcdef0123456789abcdef"}
	for _, lk := range lookups {
		for _, lang := range i18n.Supported {
			if strings.Contains(lk, "postal_code=wrong") && lang != "en" && lang != "pl" {
				continue // wrong proofs are rate limited; two languages are enough for this one
			}
			code, body := e.do(t, "GET", "/v4/track/orders/info/?"+lk+"&lang="+lang, "", nil)
			if code != 200 {
				t.Fatalf("%s: %d %s", lk, code, body)
			}
			if !strings.Contains(string(body), `"access":"public"`) {
				t.Fatalf("%s: not public", lk)
			}
			for _, m := range markers {
				if strings.Contains(strings.ToLower(string(body)), strings.ToLower(m)) {
					t.Errorf("%s lang=%s: public response contains %s", lk, lang, m)
				}
			}
		}
	}
	// Personal-data lookups are refused without token or signature.
	for _, lk := range []string{"account=1001&customer_number=MARKCUSTOMERX", "account=1001&recipient_email=markemailx@example.com"} {
		if code, body := e.do(t, "GET", "/v4/track/orders/info/?"+lk, "", nil); code != 403 || strings.Contains(string(body), "R-100") {
			t.Errorf("%s: %d %s", lk, code, body)
		}
	}
}

func TestInfoSignatures(t *testing.T) {
	e := newInfoEnv(t)
	q := url.Values{"account": {"1001"}, "order_number": {"R-100"}}
	future := fmt.Sprint(fixedNow.Add(time.Hour).Unix())
	past := fmt.Sprint(fixedNow.Add(-time.Hour).Unix())
	good := signedQuery(e.acctA, q, future)
	expired := signedQuery(e.acctA, q, past)
	other := signedQuery(e.acctB, q, "")
	tampered := signedQuery(e.acctA, q, future)
	tampered.Set("exp", fmt.Sprint(fixedNow.Add(1000*time.Hour).Unix()))
	truncated := signedQuery(e.acctA, q, "")
	truncated.Set("s", truncated.Get("s")[:16])
	tests := []struct {
		name   string
		query  url.Values
		code   int
		access string
	}{
		{"valid", good, 200, "shopper"},
		{"expired", expired, 410, ""},
		{"tampered exp", tampered, 200, "public"},
		{"truncated", truncated, 200, "public"},
		{"other account's key", other, 200, "public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(t, "GET", "/v4/track/orders/info/?"+tt.query.Encode(), "", nil)
			if code != tt.code {
				t.Fatalf("%d %s", code, body)
			}
			if tt.access != "" && decode[status.Info](t, body).Access != status.Access(tt.access) {
				t.Errorf("access %s", body)
			}
		})
	}
	// Personal lookups: a signed link works, a bad one is refused.
	pq := url.Values{"account": {"1001"}, "customer_number": {"KD-1"}}
	if code, body := e.do(t, "GET", "/v4/track/orders/info/?"+signedQuery(e.acctA, pq, "").Encode(), "", nil); code != 200 || !strings.Contains(string(body), `"access":"shopper"`) {
		t.Errorf("signed customer_number: %d %s", code, body)
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/info/?"+signedQuery(e.acctB, pq, "").Encode(), "", nil); code != 403 {
		t.Errorf("other-account signed customer_number: %d", code)
	}
	// Key rotation: links signed with the previous key stay valid.
	a := e.acctA
	a.PreviousSigningKey, a.SigningKey = a.SigningKey, "rotated-key"
	if err := e.db.UpdateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "GET", "/v4/track/orders/info/?"+good.Encode(), "", nil); code != 200 || !strings.Contains(string(body), `"access":"shopper"`) {
		t.Errorf("previous key after rotation: %d %s", code, body)
	}
	// A token of another account is refused.
	if code, _ := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100", e.tokenB, nil); code != 403 {
		t.Errorf("other account's token: %d", code)
	}
}

func TestInfoProofsAndRateLimit(t *testing.T) {
	e := newInfoEnv(t)
	base := "/v4/track/orders/info/?account=1001&order_number=R-100"
	for _, proof := range []string{"&recipient_email=%20ERIKA@example.com", "&recipient_postal_code=04%20109", "&postal_code=04109"} {
		code, body := e.do(t, "GET", base+proof, "", nil)
		if code != 200 || !strings.Contains(string(body), `"access":"shopper"`) {
			t.Errorf("proof %s: %d %s", proof, code, body)
		}
	}
	for i := 0; i < auth.OrderAddrAttempts; i++ {
		code, body := e.do(t, "GET", base+"&recipient_postal_code=99999", "", nil)
		if code != 200 || !strings.Contains(string(body), `"access":"public"`) {
			t.Fatalf("wrong proof %d: %d %s", i, code, body)
		}
	}
	code, _ := e.do(t, "GET", base+"&recipient_postal_code=04109", "", nil)
	if code != 429 {
		t.Fatalf("after %d wrong proofs: %d, want 429", auth.OrderAddrAttempts, code)
	}
	// The limit survives a restart: a new server on the same database.
	e.admin.Close()
	db2 := openTestStore(t, e.path).db
	srv2, err := New(Config{BaseURL: "http://example.test"}, db2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv2.SetClock(func() time.Time { return fixedNow.Add(time.Minute) })
	h := httptest.NewServer(srv2.Handler())
	defer h.Close()
	resp, err := http.Get(h.URL + base + "&recipient_postal_code=04109")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after restart: %d Retry-After=%q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The window ends.
	srv2.SetClock(func() time.Time { return fixedNow.Add(auth.OrderAddrWindow + time.Minute) })
	resp, _ = http.Get(h.URL + base + "&recipient_postal_code=04109")
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the window: %d", resp.StatusCode)
	}
}

func TestInfoPublicViewNone(t *testing.T) {
	e := newInfoEnv(t)
	a := e.acctA
	a.PublicView = status.PublicViewNone
	e.db.UpdateAccount(context.Background(), a)
	code, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100", "", nil)
	_, missing := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=NOPE", "", nil)
	if code != 404 || string(body) != string(missing) {
		t.Errorf("hidden order must look like a missing one: %d %s vs %s", code, body, missing)
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100&recipient_postal_code=04109", "", nil); code != 200 {
		t.Errorf("proof still works: %d", code)
	}
}

func TestInfoLanguageFallback(t *testing.T) {
	e := newInfoEnv(t)
	tests := []struct{ lang, want string }{{"de-AT", "de"}, {"xx", "de"}, {"", "de"}, {"fr", "fr"}}
	for _, tt := range tests {
		_, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=R-100&lang="+tt.lang, "", nil)
		info := decode[status.Info](t, body)
		want := i18n.T(tt.want, "status.PickupReady")
		if info.Language != tt.want || info.Trackings[0].LastDeliveryStatus.StatusText != want {
			t.Errorf("lang=%q: language %s text %q, want %s %q", tt.lang, info.Language, info.Trackings[0].LastDeliveryStatus.StatusText, tt.want, want)
		}
	}
	// An order without a language falls back to en.
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, map[string]any{"order_number": "EN-1", "recipient_email": "a@b.example"})
	_, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=EN-1&lang=xx", "", nil)
	if info := decode[status.Info](t, body); info.Language != "en" {
		t.Errorf("lang=xx without order language: %s", info.Language)
	}
}

func TestLookupsUseIndexes(t *testing.T) {
	needSQLite(t, "SQLite's query plans (internal/postgres/plan_test.go reads PostgreSQL's)")
	e := newInfoEnv(t)
	tests := []struct {
		l     status.Lookup
		index string // the index the plan must search
	}{
		{status.Lookup{Kind: status.ByOrderNumber, Account: 1, Value: "x"}, "orders_by_number"},
		{status.Lookup{Kind: status.ByOrderNumber, Account: 1, Value: "x", ClientKey: "k"}, "orders_by_number"},
		{status.Lookup{Kind: status.ByExternalOrderID, Account: 1, Value: "x"}, "orders_by_external_id"},
		{status.Lookup{Kind: status.ByExternalReference, Account: 1, Value: "x"}, "orders_by_external_ref"},
		{status.Lookup{Kind: status.ByExternalReference, Account: 1, Value: "x"}, "trackings_by_external_ref"},
		{status.Lookup{Kind: status.ByTrackingNumber, Value: "x", Courier: "c"}, "trackings_by_number"},
		{status.Lookup{Kind: status.ByTrackingNumber, Value: "x", Courier: "c", Account: 1}, "trackings_by_number_key"},
		{status.Lookup{Kind: status.ByOrderNumber, Value: "x"}, "orders_by_number_any"},
		{status.Lookup{Kind: status.ByCustomerNumber, Account: 1, Value: "x"}, "orders_by_customer"},
		{status.Lookup{Kind: status.ByRecipientEmail, Account: 1, Value: "x"}, "orders_by_email"},
		{status.Lookup{Kind: status.ByTrackingID, Value: "x"}, "PRIMARY KEY"},
	}
	for _, tt := range tests {
		plan, err := e.sqlite.ExplainLookup(context.Background(), tt.l)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:\n%s", tt.l.Kind, plan)
		if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, tt.index) {
			t.Errorf("%s does not search %s:\n%s", tt.l.Kind, tt.index, plan)
		}
		for _, line := range strings.Split(strings.TrimSpace(plan), "\n") {
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING") {
				t.Errorf("%s scans a table: %s", tt.l.Kind, line)
			}
			if strings.Contains(line, "orders_by_date") || strings.Contains(line, "orders_by_created") {
				t.Errorf("%s walks the account's orders by date: %s", tt.l.Kind, line)
			}
		}
	}
}
