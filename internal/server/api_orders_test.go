package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

func TestValidationRules(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name   string
		change func(p map[string]any)
		attr   string // "" means accepted
	}{
		{"valid order", func(p map[string]any) {}, ""},
		{"order_number required", func(p map[string]any) { p["order_number"] = "" }, "order_number"},
		{"email literal _unset", func(p map[string]any) { p["recipient_email"] = "_unset" }, ""},
		{"email invalid", func(p map[string]any) { p["recipient_email"] = "not-an-email" }, "recipient_email"},
		{"email missing", func(p map[string]any) { delete(p, "recipient_email") }, "recipient_email"},
		{"uuid valid", func(p map[string]any) { p["external_order_id"] = "3f2b8c1e-9a4d-4c6b-8f1e-2d7a9b0c1e3f" }, ""},
		{"uuid invalid", func(p map[string]any) { p["external_order_id"] = "1234" }, "external_order_id"},
		{"country real code", func(p map[string]any) { p["destination_country_iso3"] = "FIN" }, ""},
		{"country unassigned", func(p map[string]any) { p["destination_country_iso3"] = "XYZ" }, "destination_country_iso3"},
		{"country alpha-2", func(p map[string]any) { p["destination_country_iso3"] = "DE" }, "destination_country_iso3"},
		{"language real", func(p map[string]any) { p["language_iso2"] = "fi" }, ""},
		{"language unknown", func(p map[string]any) { p["language_iso2"] = "qq" }, "language_iso2"},
		{"amount ok", func(p map[string]any) { p["tax_amount"] = "-12345678.99" }, ""},
		{"amount 3 decimals", func(p map[string]any) { p["tax_amount"] = "1.999" }, "tax_amount"},
		{"amount 9 digits", func(p map[string]any) { p["net_amount"] = "123456789" }, "net_amount"},
		{"amount number type", func(p map[string]any) { p["discount_amount"] = 5 }, "discount_amount"},
		{"currency real", func(p map[string]any) { p["order_currency"] = "SEK" }, ""},
		{"currency unknown", func(p map[string]any) { p["order_currency"] = "ABC" }, "order_currency"},
		{"order_date RFC 3339", func(p map[string]any) { p["order_date"] = "2026-01-09T10:00:00+01:00" }, ""},
		{"order_date not RFC 3339", func(p map[string]any) { p["order_date"] = "09.01.2026" }, "order_date"},
		{"announced date", func(p map[string]any) { p["announced_delivery_date"] = "2026-01-12" }, ""},
		{"announced date invalid", func(p map[string]any) { p["announced_delivery_date"] = "2026-13-12" }, "announced_delivery_date"},
		{"announced window reversed", func(p map[string]any) {
			p["announced_delivery_date_min"], p["announced_delivery_date_max"] = "2026-01-14", "2026-01-12"
		}, "announced_delivery_date_min"},
		{"timezone IANA", func(p map[string]any) { p["timezone"] = "America/New_York" }, ""},
		{"timezone invalid", func(p map[string]any) { p["timezone"] = "Mars/Olympus" }, "timezone"},
		{"cancellation reason", func(p map[string]any) { p["cancellation_reason"] = "inventory" }, ""},
		{"cancellation reason invalid", func(p map[string]any) { p["cancellation_reason"] = "bored" }, "cancellation_reason"},
		{"tags key:value", func(p map[string]any) { p["tags"] = []string{"category:Home Apparel"} }, ""},
		{"tags without colon", func(p map[string]any) { p["tags"] = []string{"vip"} }, "tags[0]"},
		{"cod pair", func(p map[string]any) { p["cod"] = [][]string{{"USD", "50.50"}} }, ""},
		{"cod bad currency", func(p map[string]any) { p["cod"] = [][]string{{"XXQ", "50.50"}} }, "cod[0]"},
		{"cod not a pair", func(p map[string]any) { p["cod"] = [][]string{{"USD"}} }, "cod[0]"},
		{"payment_state", func(p map[string]any) { p["payment_state"] = "PAID_BY_DRIVER" }, ""},
		{"payment_state invalid", func(p map[string]any) { p["payment_state"] = "PAID" }, "payment_state"},
		{"workflow RETURN", func(p map[string]any) { p["workflow"] = "RETURN" }, ""},
		{"workflow invalid", func(p map[string]any) { p["workflow"] = "EXPRESS" }, "workflow"},
		{"number_of_packages negative", func(p map[string]any) { p["number_of_packages"] = -1 }, "number_of_packages"},
		{"callback_url https", func(p map[string]any) { p["callback_url"] = "https://shop.example/hooks" }, ""},
		{"callback_url ftp", func(p map[string]any) { p["callback_url"] = "ftp://shop.example/hooks" }, "callback_url"},
		{"unknown field", func(p map[string]any) { p["colour"] = "red" }, "colour"},
		{"tracking courier required", func(p map[string]any) { tr(p)["courier"] = "" }, "trackings[0].courier"},
		{"tracking url invalid", func(p map[string]any) { tr(p)["courier_tracking_url"] = "javascript:alert(1)" }, "trackings[0].courier_tracking_url"},
		{"address city required", func(p map[string]any) {
			tr(p)["shipping_address"].(map[string]any)["city"] = ""
		}, "trackings[0].shipping_address.city"},
		{"address country invalid", func(p map[string]any) {
			tr(p)["shipping_address"].(map[string]any)["country_iso3"] = "GER"
		}, "trackings[0].shipping_address.country_iso3"},
		{"article extra keys kept", func(p map[string]any) {
			tr(p)["articles"].([]any)[0].(map[string]any)["warehouse_bin"] = "B-12"
		}, ""},
		{"article unit price", func(p map[string]any) {
			tr(p)["articles"].([]any)[0].(map[string]any)["unit_price"] = "9,90"
		}, "trackings[0].articles[0].unit_price"},
		{"checkpoint unknown code", func(p map[string]any) {
			tr(p)["checkpoints"].([]any)[0].(map[string]any)["status_code"] = "Teleported"
		}, "trackings[0].checkpoints[0].status_code"},
		{"checkpoint bad timestamp", func(p map[string]any) {
			tr(p)["checkpoints"].([]any)[0].(map[string]any)["event_timestamp"] = "yesterday"
		}, "trackings[0].checkpoints[0].event_timestamp"},
		{"pickup opening hours", func(p map[string]any) {
			tr(p)["pickup_location"] = map[string]any{"name": "Kiosk", "opening_hours": []any{map[string]any{"day": "mon", "open": "09:00", "close": "18:00"}}, "hold_until": "2026-01-20"}
		}, ""},
		{"pickup opening reversed", func(p map[string]any) {
			tr(p)["pickup_location"] = map[string]any{"name": "Kiosk", "opening_hours": []any{map[string]any{"day": "mon", "open": "18:00", "close": "09:00"}}}
		}, "trackings[0].pickup_location.opening_hours[0]"},
		{"pickup bad weekday", func(p map[string]any) {
			tr(p)["pickup_location"] = map[string]any{"name": "Kiosk", "opening_hours": []any{map[string]any{"day": "funday", "open": "09:00", "close": "18:00"}}}
		}, "trackings[0].pickup_location.opening_hours[0].day"},
		{"wrong type is reported", func(p map[string]any) { p["has_multiple_shipments"] = "yes" }, "has_multiple_shipments"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := orderPayload(1001, fmt.Sprintf("V-%d", i), 1, 2)
			tt.change(p)
			code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
			if tt.attr == "" {
				if code != http.StatusCreated {
					t.Fatalf("status %d, want 201: %s", code, body)
				}
				return
			}
			if code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", code, body)
			}
			resp := decode[struct {
				Type   string           `json:"type"`
				Errors []status.Problem `json:"errors"`
			}](t, body)
			if resp.Type != "client_error" {
				t.Errorf("type = %q", resp.Type)
			}
			found := false
			for _, pr := range resp.Errors {
				if pr.Attr == tt.attr && pr.Detail != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no error for %s in %s", tt.attr, body)
			}
		})
	}
}

func tr(p map[string]any) map[string]any { return p["trackings"].([]any)[0].(map[string]any) }

func TestAllErrorsAtOnce(t *testing.T) {
	e := newTestEnv(t)
	p := orderPayload(1001, "MANY", 1, 1)
	p["recipient_email"] = "x"
	p["order_currency"] = "XXQ"
	p["tax_amount"] = "1.234"
	p["unknown"] = true
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 400 {
		t.Fatalf("status %d", code)
	}
	for _, attr := range []string{"recipient_email", "order_currency", "tax_amount", "unknown"} {
		if !strings.Contains(string(body), `"attr":"`+attr+`"`) {
			t.Errorf("missing %s in %s", attr, body)
		}
	}
}

func TestPutIdempotentAndMerge(t *testing.T) {
	e := newTestEnv(t)
	p := orderPayload(1001, "M-1", 2, 3)
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 201 {
		t.Fatalf("first PUT %d: %s", code, body)
	}
	first := decode[status.Order](t, body)
	code, body = e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 200 {
		t.Fatalf("second PUT %d: %s", code, body)
	}
	second := decode[status.Order](t, body)
	if first.ID != second.ID || len(second.Trackings) != 2 || len(second.Trackings[0].Checkpoints) != 3 {
		t.Fatalf("second PUT changed the order: %s", body)
	}
	if first.Trackings[0].ID != second.Trackings[0].ID {
		t.Errorf("tracking id changed")
	}
	// A partial update keeps what it omits and adds a new checkpoint once.
	patch := map[string]any{"order_number": "M-1", "recipient_name": "Erika M.", "trackings": []any{map[string]any{
		"courier": "dhl-germany", "tracking_number": "M-1-TN1",
		"checkpoints": []any{map[string]any{"status_code": "OutForDelivery", "event_timestamp": "2026-01-11T07:00:00Z"}},
	}}}
	for i := 0; i < 2; i++ {
		if code, body = e.do(t, "PUT", "/v4/track/orders/", e.tokenA, patch); code != 200 {
			t.Fatalf("patch %d: %s", code, body)
		}
	}
	got := decode[status.Order](t, body)
	if got.RecipientName != "Erika M." || got.RecipientEmail != "Erika@Example.com" || got.CustomerNumber != "C-M-1" {
		t.Errorf("merge lost fields: name=%q email=%q customer=%q", got.RecipientName, got.RecipientEmail, got.CustomerNumber)
	}
	if n := len(got.Trackings[1].Checkpoints); n != 4 {
		t.Errorf("tracking 2 has %d checkpoints, want 4", n)
	}
	if got.Trackings[1].ShippingAddress == nil || got.Trackings[1].ShippingAddress.City != "Leipzig" {
		t.Errorf("merge lost the shipping address")
	}
	if got.Trackings[1].Checkpoints[0].StatusCode != "OutForDelivery" {
		t.Errorf("checkpoints not newest first: %+v", got.Trackings[1].Checkpoints[0])
	}
	if got.Version <= second.Version {
		t.Errorf("version did not increase")
	}
}

func TestPostCreateOnly(t *testing.T) {
	e := newTestEnv(t)
	p := orderPayload(1001, "P-1", 1, 1)
	if code, body := e.do(t, "POST", "/v4/track/orders/", e.tokenA, p); code != 201 {
		t.Fatalf("POST %d %s", code, body)
	}
	if code, body := e.do(t, "POST", "/v4/track/orders/", e.tokenA, p); code != 409 {
		t.Fatalf("second POST %d %s", code, body)
	}
}

func TestTrackingOfAnotherOrder(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "T-1", 1, 1))
	p := orderPayload(1001, "T-2", 1, 1)
	tr(p)["tracking_number"] = "T-1-TN0"
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 400 || !strings.Contains(string(body), "T-1") {
		t.Fatalf("want 400 naming order T-1, got %d %s", code, body)
	}
}

// dump returns every row of every table as text, so tests can compare database contents.
func dump(t *testing.T, e *testEnv) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range e.raw.tables(t) {
		q := `SELECT * FROM "` + tb + `"`
		if tb == "api_tokens" {
			// A token's last-used time is bookkeeping of the authentication, not data.
			q = `SELECT hash, id, account_id, created_at, expires_at FROM api_tokens`
		}
		r, err := e.raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		var lines []string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals...))
		}
		r.Close()
		sort.Strings(lines)
		b.WriteString(tb + "\n" + strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

func TestRejectedRequestsChangeNothing(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "R-1", 2, 3))
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "R-2", 1, 3))
	before := dump(t, e)
	bad := orderPayload(1001, "R-1", 2, 3)
	bad["recipient_name"] = "Changed"
	tr(bad)["checkpoints"] = append(tr(bad)["checkpoints"].([]any), map[string]any{"status_code": "Nope", "event_timestamp": "2026-01-12T00:00:00Z"})
	steal := orderPayload(1001, "R-1", 1, 1)
	tr(steal)["tracking_number"] = "R-2-TN0"
	tests := []struct {
		name   string
		method string
		token  string
		body   any
		ctype  string
		want   int
	}{
		{"invalid update", "PUT", e.tokenA, bad, "", 400},
		{"tracking of another order", "PUT", e.tokenA, steal, "", 400},
		{"malformed JSON", "PUT", e.tokenA, `{"order_number":`, "", 400},
		{"not an object", "PUT", e.tokenA, `[1,2]`, "", 400},
		{"wrong account", "PUT", e.tokenB, orderPayload(1001, "R-1", 1, 1), "", 403},
		{"no token", "PUT", "", orderPayload(1001, "R-1", 1, 1), "", 401},
		{"wrong content type", "PUT", e.tokenA, orderPayload(1001, "R-1", 1, 1), "text/plain", 415},
		{"too large", "PUT", e.tokenA, `{"order_number":"` + strings.Repeat("x", 1<<20) + `"}`, "", 413},
		{"event with unknown code", "POST", e.tokenA, map[string]any{"courier": "dhl-germany", "tracking_number": "R-1-TN0", "status_code": "Nope", "event_timestamp": "2026-01-12T00:00:00Z"}, "", 400},
		{"batch with one unknown tracking", "POST", e.tokenA, map[string]any{"events": []any{
			map[string]any{"courier": "dhl-germany", "tracking_number": "R-1-TN0", "status_code": "InTransit", "event_timestamp": "2026-01-12T00:00:00Z"},
			map[string]any{"courier": "dhl-germany", "tracking_number": "NOPE", "status_code": "InTransit", "event_timestamp": "2026-01-12T00:00:00Z"},
		}}, "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/v4/track/orders/"
			if tt.method == "POST" {
				path = "/v4/track/events/"
			}
			var code int
			var body []byte
			if tt.ctype != "" {
				req, _ := http.NewRequest(tt.method, e.http.URL+path, strings.NewReader(`{}`))
				req.Header.Set("Authorization", "Bearer "+tt.token)
				req.Header.Set("Content-Type", tt.ctype)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				code = resp.StatusCode
			} else {
				code, body = e.do(t, tt.method, path, tt.token, tt.body)
			}
			if code != tt.want {
				t.Fatalf("status %d, want %d: %.300s", code, tt.want, body)
			}
			if len(body) > 0 && !strings.Contains(string(body), `"detail"`) {
				t.Errorf("error body has no message: %.300s", body)
			}
			if after := dump(t, e); after != before {
				t.Errorf("database changed")
			}
		})
	}
}

func TestEventsIdempotent(t *testing.T) {
	e := newTestEnv(t)
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "E-1", 1, 2))
	ev := map[string]any{"courier": "DHL-Germany", "tracking_number": "E-1-TN0", "status_code": "OutForDelivery",
		"event_timestamp": "2026-01-12T07:30:00+01:00", "location": "Leipzig", "status_details": "Zustellung heute"}
	for i, want := range []int{1, 0} {
		code, body := e.do(t, "POST", "/v4/track/events/", e.tokenA, ev)
		if code != 200 {
			t.Fatalf("events %d: %s", code, body)
		}
		res := decode[status.EventsResult](t, body)
		if res.Stored != want {
			t.Errorf("attempt %d stored %d, want %d", i, res.Stored, want)
		}
	}
	// Batch form with the same event again plus a new one, named by account+order_number.
	batch := map[string]any{"events": []any{ev, map[string]any{"account": 1001, "order_number": "E-1", "status_code": "Delivered", "event_timestamp": "2026-01-12T12:00:00Z"}}}
	code, body := e.do(t, "POST", "/v4/track/events/", e.tokenA, batch)
	if code != 200 {
		t.Fatalf("batch %d %s", code, body)
	}
	if res := decode[status.EventsResult](t, body); res.Stored != 1 || res.Duplicates != 1 {
		t.Errorf("batch result %+v", res)
	}
	ids, _ := e.db.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "E-1"}, 1)
	o, _ := e.db.Order(context.Background(), ids[0])
	if n := len(o.Trackings[0].Checkpoints); n != 4 {
		t.Errorf("%d checkpoints stored, want 4", n)
	}
	var rows int
	e.raw.QueryRow(`SELECT count(*) FROM checkpoints`).Scan(&rows)
	if rows != 4 {
		t.Errorf("%d checkpoint rows, want 4", rows)
	}
	// Another account's token cannot push events to this tracking.
	if code, _ := e.do(t, "POST", "/v4/track/events/", e.tokenB, ev); code != 400 {
		t.Errorf("other account's events: %d, want 400", code)
	}
}

func TestTokenIsolation(t *testing.T) {
	e := newTestEnv(t)
	_, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "I-1", 1, 1))
	o := decode[status.Order](t, body)
	// Another account's order is answered exactly like an id that does not exist.
	code, other := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", e.tokenB, nil)
	codeMissing, missing := e.do(t, "GET", "/v4/track/orders/o_missing/", e.tokenB, nil)
	if code != 404 || codeMissing != 404 || string(other) != string(missing) {
		t.Errorf("B reads A's order: %d %s, unknown id: %d %s; want the same 404", code, other, codeMissing, missing)
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", "", nil); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", "wrong", nil); code != 401 {
		t.Errorf("bad token: %d, want 401", code)
	}
	if code, body := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", e.tokenA, nil); code != 200 || decode[status.Order](t, body).OrderNumber != "I-1" {
		t.Errorf("A reads own order: %d", code)
	}
	if code, _ := e.do(t, "PUT", "/v4/track/orders/", e.tokenB, orderPayload(1001, "I-1", 1, 1)); code != 403 {
		t.Errorf("B writes A's order: %d, want 403", code)
	}
	_, body = e.do(t, "GET", "/v4/track/orders/", e.tokenB, nil)
	if strings.Contains(string(body), "I-1") {
		t.Errorf("B lists A's order")
	}
}

func TestPaginationStableWithInserts(t *testing.T) {
	e := newTestEnv(t)
	for i := 0; i < 23; i++ {
		e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, fmt.Sprintf("L-%02d", i), 1, 0))
	}
	for _, ordering := range []string{"created_at", "-created_at", "order_date", "-updated_at"} {
		t.Run(ordering, func(t *testing.T) {
			seen := map[string]int{}
			next := "/v4/track/orders/?page_size=5&ordering=" + url.QueryEscape(ordering)
			inserted := 0
			pages := 0
			for next != "" {
				code, body := e.do(t, "GET", next, e.tokenA, nil)
				if code != 200 {
					t.Fatalf("%d %s", code, body)
				}
				page := decode[struct {
					Next    *string        `json:"next"`
					Results []status.Order `json:"results"`
				}](t, body)
				for _, o := range page.Results {
					seen[o.OrderNumber]++
				}
				// Insert between pages.
				e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, fmt.Sprintf("N-%s-%d", ordering, inserted), 1, 0))
				inserted++
				next = ""
				if page.Next != nil {
					next = strings.TrimPrefix(*page.Next, "http://example.test")
				}
				if pages++; pages > 50 {
					t.Fatal("pagination does not end")
				}
			}
			for i := 0; i < 23; i++ {
				if n := seen[fmt.Sprintf("L-%02d", i)]; n != 1 {
					t.Errorf("L-%02d seen %d times", i, n)
				}
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("%s seen %d times", k, n)
				}
			}
		})
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/?page_size=500", e.tokenA, nil); code != 400 {
		t.Errorf("page_size 500: %d", code)
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/?cursor=garbage!", e.tokenA, nil); code != 400 {
		t.Errorf("bad cursor: %d", code)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newTestEnv(t)
	if code, body := e.do(t, "GET", "/healthz", "", nil); code != 200 || !strings.Contains(string(body), "ok") {
		t.Errorf("healthz %d %s", code, body)
	}
	e.do(t, "GET", "/v4/track/orders/o_unknown/", e.tokenA, nil)
	code, body := e.do(t, "GET", "/metrics", "", nil)
	if code != 200 || !strings.Contains(string(body), `orderstatus_http_requests_total{route="GET /v4/track/orders/{id}",status="4xx"} 1`) {
		t.Errorf("metrics %d:\n%s", code, body)
	}
	if strings.Contains(string(body), "o_unknown") {
		t.Errorf("metrics leak raw paths")
	}
	// Two orders written: the writer counts both, in one or two commits, and the token's first
	// use recorded through the writer too (sqlite: AccountByTokenUntil).
	for i := range 2 {
		if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, fmt.Sprintf("M-%d", i), 1, 1)); code != 201 {
			t.Fatalf("PUT %d %s", code, body)
		}
	}
	_, body = e.do(t, "GET", "/metrics", "", nil)
	if e.sqlite == nil {
		// PostgreSQL has no single writer to report on.
		if strings.Contains(string(body), "orderstatus_db_writes_total") {
			t.Errorf("writer metrics on PostgreSQL:\n%s", body)
		}
		return
	}
	if !strings.Contains(string(body), "\norderstatus_db_writes_total 3\n") || !regexp.MustCompile(`\norderstatus_db_commits_total [123]\n`).Match(body) {
		t.Errorf("writer metrics:\n%s", body)
	}
}

// A client that goes away before its write runs gets nothing stored, and the server logs a
// 499, not a server error.
func TestIngestClientGone(t *testing.T) {
	e := newTestEnv(t)
	body, _ := json.Marshal(orderPayload(1001, "GONE-1", 1, 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "PUT", "/v4/track/orders/", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.tokenA)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != statusClientClosed {
		t.Errorf("status %d %s, want %d", rec.Code, rec.Body, statusClientClosed)
	}
	var n int
	e.raw.QueryRow(`SELECT count(*) FROM orders`).Scan(&n)
	if n != 0 {
		t.Errorf("%d orders stored", n)
	}
}

// A customer's orders, by customer number or email, page by page; another account's token
// sees none of them.
func TestListOneCustomersOrders(t *testing.T) {
	e := newTestEnv(t)
	for i := 0; i < 7; i++ {
		p := orderPayload(1001, fmt.Sprintf("CU-%d", i), 1, 0)
		if i%2 == 0 {
			p["customer_number"], p["recipient_email"] = "KD-7", "Kim@Example.com"
		}
		e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	}
	for _, q := range []string{"customer_number=KD-7", "recipient_email=%20kim@example.COM"} {
		seen := map[string]bool{}
		next := "/v4/track/orders/?page_size=3&" + q
		for next != "" {
			code, body := e.do(t, "GET", next, e.tokenA, nil)
			if code != 200 {
				t.Fatalf("%s: %d %s", q, code, body)
			}
			page := decode[struct {
				Next    *string        `json:"next"`
				Results []status.Order `json:"results"`
			}](t, body)
			for _, o := range page.Results {
				if o.CustomerNumber != "KD-7" {
					t.Errorf("%s: another customer's order %s", q, o.OrderNumber)
				}
				seen[o.OrderNumber] = true
			}
			next = ""
			if page.Next != nil {
				next = strings.TrimPrefix(*page.Next, "http://example.test")
			}
		}
		if len(seen) != 4 {
			t.Errorf("%s: %d orders, want 4: %v", q, len(seen), seen)
		}
		_, body := e.do(t, "GET", "/v4/track/orders/?"+q, e.tokenB, nil)
		if strings.Contains(string(body), "CU-") {
			t.Errorf("%s: another account lists the customer's orders", q)
		}
	}
}
