package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// testEnv is a real server on a real database with two accounts: an SQLite file, or a fresh
// PostgreSQL schema when the tests run on PostgreSQL (engine_test.go).
type testEnv struct {
	db     Store       // the store the server runs on; tests call only Store's methods on it
	admin  engineStore // the same store, for what the CLI does (tokens, staff, session keys) and its clock
	sqlite *sqlite.DB  // the same store on SQLite; nil on PostgreSQL (see needSQLite)
	raw    rawDB       // the same database through database/sql, for tests that read tables
	api    *apiCheck   // what the OpenAPI validator checked
	srv    *Server
	http   *httptest.Server
	tokenA string // account 1001
	tokenB string // account 1002
	acctA  status.Account
	acctB  status.Account
	path   string
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	return newTestEnvAt(t, filepath.Join(t.TempDir(), "test.db"), true)
}

// newTestEnvAt opens a server on the database at path (on PostgreSQL, the schema that stands
// for it); withAccounts creates the test accounts 1001 and 1002 with known tokens and keys.
func newTestEnvAt(t testing.TB, path string, withAccounts bool) *testEnv {
	t.Helper()
	return newTestEnvConfig(t, path, withAccounts, Config{BaseURL: "http://example.test"})
}

// newTestEnvConfig is newTestEnvAt with a server configuration of the test's own.
func newTestEnvConfig(t testing.TB, path string, withAccounts bool, cfg Config) *testEnv {
	t.Helper()
	st := openTestStore(t, path)
	db := st.db
	e := &testEnv{db: db, admin: db, sqlite: st.sqlite, raw: st.raw, path: path}
	e.acctA = status.Account{ID: 1001, Name: "Shop A", SigningKey: "key-a", CallbackSecret: "cb-a", PublicView: "status", AccentColor: "#0b6e4f"}
	e.acctB = status.Account{ID: 1002, Name: "Shop B", SigningKey: "key-b", CallbackSecret: "cb-b", PublicView: "status"}
	e.tokenA, e.tokenB = "token-a-"+auth.HexKey(4), "token-b-"+auth.HexKey(4)
	for _, x := range []struct {
		a   status.Account
		tok string
	}{{e.acctA, e.tokenA}, {e.acctB, e.tokenB}} {
		if !withAccounts {
			break
		}
		if err := db.CreateAccount(context.Background(), x.a, auth.HashToken(x.tok)); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(cfg, db, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	e.srv = srv
	h, api := checkAPI(t, e.srv.Handler())
	e.api = api
	e.http = httptest.NewServer(h)
	t.Cleanup(e.http.Close)
	return e
}

// do sends a request with an optional bearer token and JSON body and returns status and body.
func (e *testEnv) do(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// orderPayload returns a valid order with trackings and checkpoints per tracking.
func orderPayload(account int64, number string, trackings, checkpoints int) map[string]any {
	base := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	var ts []any
	for i := 0; i < trackings; i++ {
		var cps []any
		codes := []string{"OrderProcessed", "PickedUp", "InTransit", "Hub-Arrived", "OutForDelivery", "Delivered"}
		for j := 0; j < checkpoints; j++ {
			cps = append(cps, map[string]any{
				"status_code":     codes[j%len(codes)],
				"event_timestamp": base.Add(time.Duration(j) * 3 * time.Hour).Format(time.RFC3339),
				"status_details":  fmt.Sprintf("event %d", j),
				"location":        "Leipzig, DE",
				"timezone":        "Europe/Berlin",
			})
		}
		ts = append(ts, map[string]any{
			"tracking_number":       fmt.Sprintf("%s-TN%d", number, i),
			"courier":               "dhl-germany",
			"courier_name":          "DHL",
			"recipient_postal_code": "04109",
			"shipping_address": map[string]any{"first_name": "Erika", "last_name": "Mustermann", "address_line": "Hauptstr. 1",
				"postal_code": "04109", "city": "Leipzig", "country_iso3": "DEU"},
			"articles":    []any{map[string]any{"article_name": "Mug", "sku": "MUG-1", "quantity": 2, "unit_price": "9.90"}},
			"checkpoints": cps,
		})
	}
	return map[string]any{
		"account": account, "order_number": number, "recipient_email": "Erika@Example.com", "recipient_name": "Erika Mustermann",
		"customer_number": "C-" + number, "destination_country_iso3": "DEU", "language_iso2": "de", "order_currency": "EUR",
		"order_amount_total": "19.80", "order_date": base.Add(-24 * time.Hour).Format(time.RFC3339), "timezone": "Europe/Berlin",
		"trackings": ts,
	}
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}
