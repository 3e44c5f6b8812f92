package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// TestAPITokenExpiryAndRevocation: an expired or revoked token gets 401 on every API call,
// a valid one works and records when it was last used.
func TestAPITokenExpiryAndRevocation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e.admin.SetClock(func() time.Time { return now })
	short, shortSecret := auth.NewAPIToken(e.acctA.ID, time.Hour, now)
	long, longSecret := auth.NewAPIToken(e.acctA.ID, 0, now)
	for _, tok := range []auth.APIToken{short, long} {
		if err := e.admin.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	get := func(secret string) int {
		code, _ := e.do(t, "GET", "/v4/track/orders/?page_size=1", secret, nil)
		return code
	}
	if code := get(shortSecret); code != http.StatusOK {
		t.Fatalf("fresh token: %d", code)
	}
	now = now.Add(time.Hour)
	if code := get(shortSecret); code != http.StatusUnauthorized {
		t.Fatalf("expired token: %d, want 401", code)
	}
	if code, _ := e.do(t, "PUT", "/v4/track/orders/", shortSecret, map[string]any{"order_number": "X-1", "recipient_email": "a@example.com"}); code != http.StatusUnauthorized {
		t.Fatalf("expired token writing: %d, want 401", code)
	}
	if code := get(longSecret); code != http.StatusOK {
		t.Fatalf("token without expiry: %d", code)
	}
	list, err := e.admin.Tokens(ctx, e.acctA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range list {
		if tok.ID == long.ID && !tok.LastUsedAt.Equal(now) {
			t.Errorf("last used %v, want %v", tok.LastUsedAt, now)
		}
	}
	if err := e.admin.RevokeToken(ctx, e.acctA.ID, long.ID); err != nil {
		t.Fatal(err)
	}
	if code := get(longSecret); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d, want 401", code)
	}
	if code := get(e.tokenA); code != http.StatusOK {
		t.Fatalf("the account's other token: %d", code)
	}
}

// TestAPIResponsesNotStored: every API answer that can carry personal data says no-store,
// token reads included; the widget keeps its own revalidation policy.
func TestAPIResponsesNotStored(t *testing.T) {
	e := newTestEnv(t)
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "NS-1", 1, 2))
	if code != http.StatusCreated {
		t.Fatalf("seed: %d %s", code, body)
	}
	var o struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &o)
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/v4/track/orders/?page_size=5", e.tokenA},
		{"GET", "/v4/track/orders/" + o.ID + "/", e.tokenA},
		{"GET", "/v4/track/orders/" + o.ID + "/callbacks/", e.tokenA},
		{"GET", "/v4/track/orders/info/?account=1001&order_number=NS-1", e.tokenA},
		{"GET", "/v4/track/orders/info/?account=1001&order_number=NS-1", ""},
		{"PUT", "/v4/track/orders/", e.tokenA},
		{"GET", "/v4/track/orders/nope/", e.tokenB},
	} {
		var payload any
		if tc.method == "PUT" {
			payload = orderPayload(1001, "NS-1", 1, 2)
		}
		req, _ := http.NewRequest(tc.method, e.http.URL+tc.path, nil)
		if payload != nil {
			b, _ := json.Marshal(payload)
			req, _ = http.NewRequest(tc.method, e.http.URL+tc.path, bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s %s: %d Cache-Control %q, want no-store", tc.method, tc.path, resp.StatusCode, cc)
		}
	}
}
