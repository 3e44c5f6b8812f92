package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
	"github.com/orderstatus/orderstatus/internal/i18n"
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

	// Switch language with the switcher (stored in the session): with JavaScript the select
	// submits itself and there is no button (TestBrowserNoScriptJourney takes the button).
	if b.Exists(`[data-testid="lang-submit"]`) {
		t.Errorf("the language button shows although the select submits itself")
	}
	b.EvalNavigate(`(s => { s.value = 'de'; s.dispatchEvent(new Event('change')) })(document.querySelector('#lang-select'))`)
	if lang := browsertest.Eval[string](b, `document.documentElement.lang`); lang != "de" {
		t.Errorf("html lang %q after switching to de", lang)
	}
	if got := b.Text(`[data-testid="order-heading"]`); !strings.Contains(got, "Bestellung") {
		t.Errorf("heading not German: %q", got)
	}

	// Vote on a delivered parcel: answered in place, without leaving the page.
	o = demoOrder(t, d, "A-1001")
	b.Navigate(d.signedPage(o) + "&lang=en")
	before := b.Location()
	b.Click(`[data-testid="vote-up"]`)
	if !browsertest.Eval[bool](b, waitFor(`[data-testid="feedback-thanks"]`)) {
		t.Fatalf("no thanks after the vote")
	}
	if b.Location() != before {
		t.Errorf("the vote left the page: %s (was %s)", b.Location(), before)
	}
	if browsertest.Eval[bool](b, `document.querySelector('.vote-set').checkVisibility()`) {
		t.Errorf("the vote buttons are still offered after the answer")
	}
	// The switcher's choice (de, above) beats the link's lang (issue 15: the shopper's own
	// choice comes first).
	if got := b.Text(`[data-testid="feedback-thanks"]`); got != i18n.T("de", "feedback.thanks") {
		t.Errorf("thanks %q", got)
	}
	fb, err := d.db.Feedback(context.Background(), o.ID)
	if err != nil || len(fb) != 1 || fb[0].Vote != "up" {
		t.Errorf("feedback stored: %+v %v", fb, err)
	}
}

// waitFor is a script that resolves to true once an element matches sel (false after 5 s).
func waitFor(sel string) string {
	return `new Promise(ok => { const t0 = Date.now(); (function poll() {
		if (document.querySelector(` + "`" + sel + "`" + `)) return ok(true);
		if (Date.now() - t0 > 5000) return ok(false);
		setTimeout(poll, 25); })() })`
}

// TestBrowserAccessibility runs axe-core on every demo order at public and shopper level, at
// 360 and 1280 pixels wide, in the light and the dark colour scheme (prefers-color-scheme),
// and saves screenshots of three states for a reviewer.
func TestBrowserAccessibility(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	shots := filepath.Join(os.TempDir(), "orderstatus-screenshots")
	os.MkdirAll(shots, 0o755)
	shoot := map[string]bool{"A-1006": true, "B-2001": true, "A-1008": true}
	for _, cfg := range []struct {
		scheme string
		width  int
	}{{"light", 360}, {"light", 1280}, {"dark", 360}, {"dark", 1280}} {
		scheme, width := cfg.scheme, cfg.width
		b.SetColorScheme(scheme)
		b.SetViewport(width, 900)
		for _, o := range d.info.Orders {
			for _, level := range []string{"public", "shopper"} {
				u := publicPage(d.http.URL, o)
				if level == "shopper" {
					u = d.signedPage(o)
				}
				b.Navigate(u)
				if vs := b.AxeViolations(); len(vs) > 0 {
					t.Errorf("%s %s %s %dpx: %d axe violations:\n%s", o.OrderNumber, level, scheme, width, len(vs), browsertest.FormatViolations(vs))
				}
				if level == "shopper" && shoot[o.OrderNumber] {
					p := filepath.Join(shots, o.OrderNumber+"-"+scheme+"-"+itoa64(int64(width))+".png")
					b.Screenshot(p)
					t.Logf("screenshot: %s", p)
				}
			}
		}
	}
	for _, scheme := range []string{"light", "dark"} {
		b.SetColorScheme(scheme)
		for _, u := range []string{d.http.URL + "/", d.http.URL + "/track?account=1001&order_number=NOPE"} {
			b.NavigateStatus(u)
			if vs := b.AxeViolations(); len(vs) > 0 {
				t.Errorf("%s %s: %s", u, scheme, browsertest.FormatViolations(vs))
			}
		}
	}
}
