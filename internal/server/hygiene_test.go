package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestIngestHygieneOverHTTP is the reproduction of the issue over the API: each input gets a
// 400 naming the field, and the database is unchanged.
func TestIngestHygieneOverHTTP(t *testing.T) {
	e := newTestEnv(t)
	if code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "H-1", 1, 2)); code != http.StatusCreated {
		t.Fatalf("seed order: %d %s", code, body)
	}
	before := dump(t, e)
	order := func(extra string) []byte {
		return []byte(`{"order_number":"H-1","recipient_email":"a@example.com"` + extra + `}`)
	}
	tracking := func(extra string) []byte {
		return order(`,"trackings":[{"courier":"dhl-germany","tracking_number":"H-1-TN0"` + extra + `}]`)
	}
	for _, tc := range []struct {
		name, path string
		body       []byte
		attr       string
	}{
		{"invalid UTF-8", "/v4/track/orders/", order(`,"recipient_name":"Jo` + "\xff\xfe" + `"`), "recipient_name"},
		{"NUL", "/v4/track/orders/", order(`,"recipient_name":"a\u0000"`), "recipient_name"},
		{"lone surrogate", "/v4/track/orders/", order(`,"recipient_name":"\udc00"`), "recipient_name"},
		{"duplicate key", "/v4/track/orders/", order(`,"recipient_email":"b@example.com"`), "recipient_email"},
		{"900 KB name", "/v4/track/orders/", order(`,"recipient_name":"` + strings.Repeat("n", 900_000) + `"`), "recipient_name"},
		{"20,000-character tracking number", "/v4/track/orders/", order(`,"trackings":[{"courier":"dhl-germany","tracking_number":"` + strings.Repeat("9", 20000) + `"}]`), "trackings[0].tracking_number"},
		{"numeric order number", "/v4/track/orders/", []byte(`{"order_number":12345,"recipient_email":"a@example.com"}`), "order_number"},
		{"protocol-relative image", "/v4/track/orders/", tracking(`,"articles":[{"article_name":"x","article_image_url":"//evil.example/x.png"}]`), "trackings[0].articles[0].article_image_url"},
		{"control character in an event", "/v4/track/events/", []byte(`{"courier":"dhl-germany","tracking_number":"H-1-TN0","status_code":"InTransit","event_timestamp":"2026-01-12T00:00:00Z","location":"Ber\u0007lin"}`), "location"},
		{"duplicate key in a batch", "/v4/track/events/", []byte(`{"events":[{"courier":"dhl-germany","courier":"ups","tracking_number":"H-1-TN0","status_code":"InTransit","event_timestamp":"2026-01-12T00:00:00Z"}]}`), "events[0].courier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "PUT"
			if strings.Contains(tc.path, "events") {
				method = "POST"
			}
			code, body := e.do(t, method, tc.path, e.tokenA, tc.body)
			var doc struct {
				Errors []struct{ Code, Detail, Attr string }
			}
			json.Unmarshal(body, &doc)
			found := false
			for _, p := range doc.Errors {
				found = found || (p.Attr == tc.attr && p.Detail != "")
			}
			if code != http.StatusBadRequest || !found {
				t.Fatalf("%d %.300s; want 400 naming %s", code, body, tc.attr)
			}
			if after := dump(t, e); after != before {
				t.Error("database changed")
			}
		})
	}
}

func TestRedirectTargets(t *testing.T) {
	for target, want := range map[string]bool{
		"/track?x=1":             true,
		"/support/orders/o_1":    true,
		"":                       false,
		"//evil.example/x":       false,
		"/\t/evil.example":       false,
		"/\n/evil.example":       false,
		"/\\evil.example":        false,
		"\\/evil.example":        false,
		"https://evil.example/":  false,
		"javascript:alert(1)":    false,
		"track":                  false,
		"/%2F/evil.example":      true, // a path on this site: %2F is not a separator
		"http:/evil.example":     false,
		" /track":                false,
		"/track\x00":             false,
		"//user@evil.example/x/": false,
	} {
		if _, got := localPath(target); got != want {
			t.Errorf("localPath(%q) = %v, want %v", target, got, want)
		}
	}
	e := newTestEnv(t)
	for _, back := range []string{"/\t/evil.example", "//evil.example/x", "/\\evil.example", "https://evil.example/"} {
		_, _, resp := post(t, nil, e.http.URL+"/track/lang", url.Values{"lang": {"de"}, "return": {back}})
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("return=%q: redirected to %q, want /", back, loc)
		}
	}
	if got := localNext("/support/\t/evil.example"); got != "/support/" {
		t.Errorf("localNext with a tab: %q", got)
	}
}
