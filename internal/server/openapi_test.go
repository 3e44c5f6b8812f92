package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
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
