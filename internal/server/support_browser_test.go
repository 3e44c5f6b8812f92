package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
)

// TestSupportBrowser walks the console in headless Chromium: login, search by email, the
// order detail with its copy buttons and widget, and an axe-core audit of each page.
// SUPPORT_SCREENSHOTS=dir keeps a screenshot of each page there.
func TestSupportBrowser(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := browsertest.New(t)
	shot := func(name string) {
		if dir := os.Getenv("SUPPORT_SCREENSHOTS"); dir != "" {
			b.Screenshot(filepath.Join(dir, name+".png"))
		}
	}

	b.Navigate(e.http.URL + "/support/")
	if loc := b.Location(); !strings.Contains(loc, "/support/login?next=") {
		t.Fatalf("anonymous visit ended at %s, want the login page", loc)
	}
	b.Axe()
	shot("login")

	b.SetValue("#login-email", "boss@example.com")
	b.SetValue("#login-password", "not the password")
	if code := b.ClickNavigate("[data-testid=login-submit]"); code != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: HTTP %d", code)
	}
	if got := b.Text("[data-testid=login-error]"); !strings.Contains(got, "not right") {
		t.Fatalf("login error %q", got)
	}
	b.Axe()
	b.Type("#login-password", staffPassword)
	if code := b.ClickNavigate("[data-testid=login-submit]"); code != 200 {
		t.Fatalf("login: HTTP %d", code)
	}
	if got := b.Text("[data-testid=staff-user]"); got != "boss@example.com" {
		t.Fatalf("signed in as %q", got)
	}
	b.Axe()
	shot("search-empty")

	b.SetValue("[data-testid=search-input]", "Emma.Clarke@Example.com")
	if code := b.ClickNavigate("[data-testid=search-submit]"); code != 200 {
		t.Fatalf("search: HTTP %d", code)
	}
	if n := b.Count("[data-testid=result-row]"); n != 3 {
		t.Fatalf("%d results, want 3", n)
	}
	if got := b.Text("[data-testid=result-link]"); got != "A-1012" {
		t.Fatalf("first result %q, want the newest order A-1012", got)
	}
	b.Axe()
	shot("search-results")

	if code := b.ClickNavigate("[data-testid=result-link]"); code != 200 {
		t.Fatalf("detail: HTTP %d", code)
	}
	if got := b.Text("[data-testid=order-heading]"); got != "Order A-1012" {
		t.Fatalf("detail heading %q", got)
	}
	link := b.Value("[data-testid=shopper-link]")
	if !strings.HasPrefix(link, e.http.URL+"/track?") || !strings.Contains(link, "&s=") {
		t.Fatalf("shopper link %q", link)
	}
	if !b.Exists("[data-testid=copy-link][data-copy='#shopper-link']") || !b.Exists("[data-testid=copy-snippet]") {
		t.Fatal("copy buttons missing")
	}
	if snippet := b.Value("[data-testid=widget-snippet]"); !strings.Contains(snippet, "<img src=") {
		t.Fatalf("snippet %q", snippet)
	}
	// The widget image is the one the shopper's email shows, and it loads.
	if !browsertest.Eval[bool](b, `new Promise(r => { const i = document.querySelector("[data-testid=widget-image]");
		const done = () => r(i.naturalWidth > 0); if (i.complete) done(); else { i.onload = done; i.onerror = () => r(false); } })`) {
		t.Error("the widget image does not load")
	}
	// The copy button puts the link on the clipboard (app.js); the clipboard is stubbed,
	// since headless Chromium has no clipboard to read back.
	browsertest.Eval[bool](b, `(() => { window.copied = null; Object.defineProperty(navigator, "clipboard",
		{configurable: true, value: {writeText: t => { window.copied = t; return Promise.resolve(); }}}); return true })()`)
	b.Click("[data-testid=copy-link]")
	if got := browsertest.Eval[string](b, `new Promise(r => setTimeout(() => r(String(window.copied)), 50))`); got != link {
		t.Errorf("copied %q, want the shopper link", got)
	}
	b.Axe()
	shot("detail")

	b.SetViewport(390, 844)
	b.Axe()
	shot("detail-narrow")

	b.SetViewport(1280, 900)
	b.Navigate(e.http.URL + "/support/audit")
	if n := b.Count("[data-testid=audit-row]"); n != 3 {
		t.Errorf("audit log shows %d entries, want login, search and view", n)
	}
	b.Axe()
	shot("audit")
	if code := b.NavigateStatus(e.http.URL + "/support/orders/o_nosuchorder"); code != http.StatusNotFound {
		t.Errorf("unknown order: HTTP %d", code)
	}
	b.Axe()

	if code := b.ClickNavigate("[data-testid=logout]"); code != 200 || !strings.Contains(b.Location(), "/support/login") {
		t.Fatalf("logout: HTTP %d at %s", code, b.Location())
	}
}
