package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
)

// At 360 px the console's results fit the screen: no order number breaks over two lines and
// the page does not scroll sideways. SUPPORT_SCREENSHOTS=dir keeps a screenshot.
func TestSupportResultsAt360(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := browsertest.New(t)
	b.Navigate(e.http.URL + "/support/login")
	b.SetValue("#login-email", "boss@example.com")
	b.SetValue("#login-password", staffPassword)
	b.ClickNavigate("[data-testid=login-submit]")
	b.SetViewport(360, 740)
	b.Navigate(e.http.URL + "/support/?q=emma.clarke@example.com")
	if n := b.Count("[data-testid=result-row]"); n != 3 {
		t.Fatalf("%d results", n)
	}
	if dir := os.Getenv("SUPPORT_SCREENSHOTS"); dir != "" {
		b.Screenshot(filepath.Join(dir, "results-360.png"))
	}
	broken := browsertest.Eval[int](b, `[...document.querySelectorAll("[data-testid=result-link]")].filter(a => a.getClientRects().length > 1).length`)
	if broken != 0 {
		t.Errorf("%d order numbers break over two lines at 360 px", broken)
	}
	if w := browsertest.Eval[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the results page is %d px wide at 360 px", w)
	}
	b.Axe()
}
