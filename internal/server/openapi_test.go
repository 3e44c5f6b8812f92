package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// TestOpenAPIDescribesEveryRoute fails when routes.go serves a /v4 route that openapi.json
// does not describe, or when openapi.json describes one that does not exist.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newTestEnv(t)
	doc, _ := loadSpec(t)
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	err := chi.Walk(e.srv.routes().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/v4/") {
			served[method+" "+route] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(served) < 10 {
		t.Fatalf("walked only %d /v4 routes: %v", len(served), served)
	}
	var missing, extra []string
	for r := range served {
		if !described[r] {
			missing = append(missing, r)
		}
	}
	for r := range described {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes.go serves routes openapi.json lacks: %s", strings.Join(missing, "; "))
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json describes routes that do not exist: %s", strings.Join(extra, "; "))
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t)
	resp, err := e.http.Client().Get(e.http.URL + "/v4/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || doc.OpenAPI != "3.1.0" || len(doc.Paths) == 0 {
		t.Errorf("GET /v4/openapi.json: %d %s, openapi %q with %d paths", resp.StatusCode, resp.Header.Get("Content-Type"), doc.OpenAPI, len(doc.Paths))
	}
	req, _ := http.NewRequest("GET", e.http.URL+"/v4/openapi.json", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp2, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with its ETag: %d, want 304", resp2.StatusCode)
	}
}

// TestOpenAPIEveryOperation calls every operation of the description for a success and an
// error; the harness validates each response, and the test checks that each operation was
// seen with both.
func TestOpenAPIEveryOperation(t *testing.T) {
	e := newTestEnv(t)
	doc, _ := loadSpec(t)
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "OA-1", 1, 3))
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, body)
	}
	id := decode[struct {
		ID string `json:"id"`
	}](t, body).ID
	big := `{"order_number":"` + strings.Repeat("x", maxBody) + `"}`
	widget := "/v4/track/orders/info-widget/?account=1001&order_number=OA-1"
	calls := []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/v4/openapi.json", "", nil, 200},
		{"PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "OA-1", 1, 4), 200},
		{"PUT", "/v4/track/orders/", e.tokenA, map[string]any{"order_number": "", "recipient_email": "nope"}, 400},
		{"PUT", "/v4/track/orders/", "", orderPayload(1001, "OA-2", 1, 1), 401},
		{"PUT", "/v4/track/orders/", e.tokenA, big, 413},
		{"POST", "/v4/track/orders/", e.tokenA, orderPayload(1001, "OA-3", 1, 1), 201},
		{"POST", "/v4/track/orders/", e.tokenA, orderPayload(1001, "OA-3", 1, 1), 409},
		{"GET", "/v4/track/orders/?page_size=1", e.tokenA, nil, 200},
		{"GET", "/v4/track/orders/?page_size=0", e.tokenA, nil, 400},
		{"GET", "/v4/track/orders/" + id + "/", e.tokenA, nil, 200},
		{"GET", "/v4/track/orders/" + id + "/", e.tokenB, nil, 404}, // another account's order is not found
		{"GET", "/v4/track/couriers/", "", nil, 200},
		{"GET", "/v4/track/orders/o_missing/", e.tokenA, nil, 404},
		{"GET", "/v4/track/orders/" + id + "/callbacks/", e.tokenA, nil, 200},
		{"GET", "/v4/track/orders/" + id + "/callbacks/", "", nil, 401},
		{"POST", "/v4/track/events/", e.tokenA, map[string]any{"courier": "dhl-germany", "tracking_number": "OA-1-TN0",
			"status_code": "OutForDelivery", "event_timestamp": "2026-01-11T07:00:00Z"}, 200},
		{"POST", "/v4/track/events/", e.tokenA, map[string]any{"courier": "dhl-germany", "tracking_number": "OA-1-TN0",
			"status_code": "Teleported", "event_timestamp": "2026-01-11T07:00:00Z"}, 400},
		{"GET", "/v4/track/orders/info/?account=1001&order_number=OA-1", "", nil, 200},
		{"GET", "/v4/track/orders/info/?account=1001&order_number=OA-1", e.tokenA, nil, 200},
		{"GET", "/v4/track/orders/info/?account=1001", "", nil, 400},
		{"GET", "/v4/track/orders/info/?account=1001&recipient_email=erika@example.com", "", nil, 403},
		{"GET", widget, e.tokenA, nil, 200},
		{"GET", widget + "&width=5000", e.tokenA, nil, 400},
		{"GET", widget + "&s=00000000000000000000000000000000", "", nil, 200}, // the fallback image
		{"GET", "/v4/track/orders/info-widget/alt?account=1001&order_number=OA-1", e.tokenA, nil, 200},
		{"GET", "/v4/track/orders/info-widget/alt?account=1001&order_number=NOPE", e.tokenA, nil, 404},
	}
	for _, c := range calls {
		if code, body := e.do(t, c.method, c.path, c.token, c.body); code != c.want {
			t.Errorf("%s %.80s: %d %.200s, want %d", c.method, c.path, code, body, c.want)
		}
	}
	callAccountAPI(t, e)
	// Labels are uploaded as files, not JSON.
	o := decode[status.Order](t, body)
	label := "/v4/track/orders/" + id + "/trackings/" + o.Trackings[0].ID + "/label"
	for _, c := range []struct {
		method, token, ct string
		want              int
	}{{"GET", e.tokenA, "", 404}, {"PUT", e.tokenA, "image/png", 400}, {"PUT", e.tokenA, "application/pdf", 200}, {"GET", e.tokenA, "", 200}} {
		if code, _, b := e.send(t, c.method, label, c.token, c.ct, []byte("%PDF-1.4")); code != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, label, code, b, c.want)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var ok2, ok4, has4 bool
			for status := range op.Responses.Map() {
				has4 = has4 || strings.HasPrefix(status, "4")
			}
			for code := 200; code < 500; code++ {
				if e.api.saw(op.OperationID, code) {
					ok2 = ok2 || code < 300
					ok4 = ok4 || code >= 400
				}
			}
			if !ok2 || (has4 && !ok4) {
				t.Errorf("%s %s (%s): validated a success %v, an error %v; want both", method, path, op.OperationID, ok2, ok4)
			}
		}
	}
}
