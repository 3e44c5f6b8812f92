package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.7 ,::1,,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128", "2001:db8::/32"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d: got %s, want %s", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.1-10.0.0.9"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestClientAddr(t *testing.T) {
	trusted, _ := ParseTrustedProxies("10.0.0.0/8,::1")
	s := &Server{cfg: Config{TrustedProxies: trusted}}
	untrusting := &Server{}
	tests := []struct {
		name   string
		srv    *Server
		peer   string
		xff    []string
		proto  string
		want   string
		scheme string
	}{
		{"no proxy configured ignores the header", untrusting, "198.51.100.7:4000", []string{"203.0.113.1"}, "https", "198.51.100.7", "http"},
		{"untrusted peer's header ignored", s, "198.51.100.7:4000", []string{"203.0.113.1"}, "https", "198.51.100.7", "http"},
		{"trusted peer: the client it names", s, "10.1.2.3:4000", []string{"203.0.113.1"}, "https", "203.0.113.1", "https"},
		{"client-written hops left of the real one prove nothing", s, "10.1.2.3:4000", []string{"1.1.1.1, 203.0.113.1"}, "", "203.0.113.1", "http"},
		{"chain of trusted proxies skipped", s, "10.1.2.3:4000", []string{"203.0.113.1, 10.9.9.9", "10.0.0.5"}, "http", "203.0.113.1", "http"},
		{"every hop trusted: the leftmost", s, "10.1.2.3:4000", []string{"10.0.0.2, 10.0.0.3"}, "", "10.0.0.2", "http"},
		{"garbage hop stops at the last trusted", s, "10.1.2.3:4000", []string{"203.0.113.1, not-an-ip"}, "", "10.1.2.3", "http"},
		{"trusted peer without header", s, "10.1.2.3:4000", nil, "", "10.1.2.3", "http"},
		{"IPv6 loopback proxy, hop with port", s, "[::1]:4000", []string{"203.0.113.1:5555"}, "HTTPS", "203.0.113.1", "https"},
		{"IPv4-mapped peer matches the IPv4 prefix", s, "[::ffff:10.1.2.3]:4000", []string{"2001:db8::1"}, "", "2001:db8::1", "http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if got := tt.srv.clientAddr(r); got != tt.want {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
			if got := tt.srv.requestScheme(r); got != tt.scheme {
				t.Errorf("requestScheme = %s, want %s", got, tt.scheme)
			}
		})
	}
}

// TestTrustedProxyRateLimits: the verification limit per client address counts the shopper
// a trusted proxy names, and a spoofed X-Forwarded-For from anyone else changes nothing.
func TestTrustedProxyRateLimits(t *testing.T) {
	// Guessing order numbers with a proof counts against the client address only.
	guess := func(t *testing.T, e *testEnv, i int, xff string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+"/v4/track/orders/info/?account=1001&recipient_postal_code=04109&order_number=NOPE-"+string(rune('A'+i%26))+string(rune('A'+i/26)), nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	exhaust := func(t *testing.T, e *testEnv, xff string) {
		t.Helper()
		for i := 0; i < auth.AddrAttempts; i++ {
			if code := guess(t, e, i, xff); code != http.StatusNotFound {
				t.Fatalf("guess %d: %d, want 404", i, code)
			}
		}
		if code := guess(t, e, 99, xff); code != http.StatusTooManyRequests {
			t.Fatalf("after %d guesses: %d, want 429", auth.AddrAttempts, code)
		}
	}
	t.Run("untrusted peer cannot pick its bucket", func(t *testing.T) {
		e := newTestEnv(t)
		exhaust(t, e, "198.51.100.1")
		if code := guess(t, e, 100, "198.51.100.2"); code != http.StatusTooManyRequests {
			t.Errorf("spoofed X-Forwarded-For from an untrusted peer: %d, want 429", code)
		}
	})
	t.Run("trusted proxy's shoppers have their own buckets", func(t *testing.T) {
		e := newTestEnvConfig(t, filepath.Join(t.TempDir(), "test.db"), true,
			Config{BaseURL: "http://example.test", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		exhaust(t, e, "198.51.100.1")
		if code := guess(t, e, 100, "198.51.100.2"); code != http.StatusNotFound {
			t.Errorf("another shopper behind the proxy: %d, want 404", code)
		}
		// A shopper who writes someone else's address in front is still counted as itself.
		if code := guess(t, e, 101, "198.51.100.2, 198.51.100.1"); code != http.StatusTooManyRequests {
			t.Errorf("client-written hop: %d, want 429", code)
		}
	})
}

func TestHSTS(t *testing.T) {
	tests := []struct {
		base string
		want string
	}{
		{"https://status.example.com", hstsValue},
		{"HTTPS://status.example.com", hstsValue},
		{"http://example.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			e := newTestEnvConfig(t, filepath.Join(t.TempDir(), "test.db"), false, Config{BaseURL: tt.base})
			for _, path := range []string{"/", "/healthz", "/v4/track/orders/info/?account=1&order_number=x"} {
				resp, err := e.http.Client().Get(e.http.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := resp.Header.Get("Strict-Transport-Security"); got != tt.want {
					t.Errorf("%s: Strict-Transport-Security %q, want %q", path, got, tt.want)
				}
			}
		})
	}
}
