package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
	"github.com/orderstatus/orderstatus/internal/status"
)

func demoOrder(t *testing.T, d *demoEnv, number string) *status.Order {
	t.Helper()
	for _, o := range d.info.Orders {
		if o.OrderNumber == number {
			return o
		}
	}
	t.Fatalf("demo has no order %s", number)
	return nil
}

func TestBrowserShopperJourney(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)

	// A signed link shows everything at once.
	o := demoOrder(t, d, "A-1003")
	b.Navigate(d.signedPage(o) + "&lang=en")
	if b.Exists(`[data-testid="unlock"]`) || !b.Exists(`[data-testid="address"]`) {
		t.Errorf("signed link: unlock form %v, address %v", b.Exists(`[data-testid="unlock"]`), b.Exists(`[data-testid="address"]`))
	}
	if got := b.Text(`[data-testid="order-heading"]`); !strings.Contains(got, "A-1003") {
		t.Errorf("heading %q", got)
	}
	// Expand the timeline: the older events are in a native <details>.
	if open := browsertest.Eval[bool](b, `document.querySelector('[data-testid="more-events"]').open`); open {
		t.Errorf("older events open before the click")
	}
	b.Click(`[data-testid="more-events"] > summary`)
	if open := browsertest.Eval[bool](b, `document.querySelector('[data-testid="more-events"]').open`); !open {
		t.Errorf("older events did not open")
	}

	// An unsigned link hides personal data until the postal code is given.
	o = demoOrder(t, d, "B-2001")
	b.Navigate(publicPage(d.http.URL, o) + "&lang=en")
	if !b.Exists(`[data-testid="unlock"]`) || b.Exists(`[data-testid="address"]`) {
		t.Fatalf("unsigned link must show the form and hide the address")
	}
	b.SetValue(`#v-postal`, o.Trackings[0].RecipientPostalCode)
	if code := b.ClickNavigate(`[data-testid="verify-submit"]`); code != 200 {
		t.Fatalf("verify: %d", code)
	}
	if b.Exists(`[data-testid="unlock"]`) || !b.Exists(`[data-testid="address"]`) {
		t.Errorf("after the postal code the details must show")
	}

	// Switch language with the switcher (stored in the session).
	// Set the value without a change event (app.js submits on change; the button is the
	// no-JavaScript path and the one tested here).
	browsertest.Eval[string](b, `document.querySelector('#lang-select').value = 'de'`)
	b.ClickNavigate(`form.lang-form button`)
	if lang := browsertest.Eval[string](b, `document.documentElement.lang`); lang != "de" {
		t.Errorf("html lang %q after switching to de", lang)
	}
	if got := b.Text(`[data-testid="order-heading"]`); !strings.Contains(got, "Bestellung") {
		t.Errorf("heading not German: %q", got)
	}

	// Vote on a delivered parcel.
	o = demoOrder(t, d, "A-1001")
	b.Navigate(d.signedPage(o) + "&lang=en")
	if code := b.ClickNavigate(`[data-testid="vote-up"]`); code != 200 {
		t.Fatalf("feedback: %d", code)
	}
	if !b.Exists(`[data-testid="feedback-thanks"]`) {
		t.Errorf("no thanks after the vote")
	}
}

// TestBrowserAccessibility runs axe-core on every demo order at public and shopper level, at
// 360 and 1280 pixels wide, and saves screenshots of three states for a reviewer.
func TestBrowserAccessibility(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	shots := filepath.Join(os.TempDir(), "orderstatus-screenshots")
	os.MkdirAll(shots, 0o755)
	shoot := map[string]bool{"A-1006": true, "B-2001": true, "A-1008": true}
	for _, width := range []int{360, 1280} {
		b.SetViewport(width, 900)
		for _, o := range d.info.Orders {
			for _, level := range []string{"public", "shopper"} {
				u := publicPage(d.http.URL, o)
				if level == "shopper" {
					u = d.signedPage(o)
				}
				b.Navigate(u)
				if vs := b.AxeViolations(); len(vs) > 0 {
					t.Errorf("%s %s %dpx: %d axe violations:\n%s", o.OrderNumber, level, width, len(vs), browsertest.FormatViolations(vs))
				}
				if level == "shopper" && shoot[o.OrderNumber] {
					p := filepath.Join(shots, o.OrderNumber+"-"+itoa64(int64(width))+".png")
					b.Screenshot(p)
					t.Logf("screenshot: %s", p)
				}
			}
		}
	}
	for _, u := range []string{d.http.URL + "/", d.http.URL + "/track?account=1001&order_number=NOPE"} {
		b.NavigateStatus(u)
		if vs := b.AxeViolations(); len(vs) > 0 {
			t.Errorf("%s: %s", u, browsertest.FormatViolations(vs))
		}
	}
}
