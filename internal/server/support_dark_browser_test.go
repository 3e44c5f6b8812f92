package server

import (
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
)

// TestSupportBrowserDark: the console shares app.css, so its dark colour scheme passes
// axe-core too, on the login page, search results, an order and the audit log, at 390 and
// 1280 pixels.
func TestSupportBrowserDark(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := browsertest.New(t)
	b.SetColorScheme("dark")
	audit := func(what string) {
		t.Helper()
		for _, w := range []int{390, 1280} {
			b.SetViewport(w, 900)
			if vs := b.AxeViolations(); len(vs) > 0 {
				t.Errorf("%s, dark, %d px: %s", what, w, browsertest.FormatViolations(vs))
			}
		}
	}
	b.Navigate(e.http.URL + "/support/login")
	audit("login")
	b.SetValue("#login-email", "boss@example.com")
	b.Type("#login-password", staffPassword)
	if code := b.ClickNavigate("[data-testid=login-submit]"); code != 200 {
		t.Fatalf("login: HTTP %d", code)
	}
	b.SetValue("[data-testid=search-input]", "Emma.Clarke@Example.com")
	if code := b.ClickNavigate("[data-testid=search-submit]"); code != 200 {
		t.Fatalf("search: HTTP %d", code)
	}
	audit("search results")
	if code := b.ClickNavigate("[data-testid=result-link]"); code != 200 {
		t.Fatalf("detail: HTTP %d", code)
	}
	audit("order")
	b.Navigate(e.http.URL + "/support/audit")
	audit("audit log")
}
