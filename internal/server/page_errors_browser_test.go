package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/browsertest"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Every error page a browser can meet, in headless Chromium: its status, what it says, its
// branding and an axe-core audit. TestErrorJSONTwins checks the same errors for API clients.
func TestBrowserErrorPages(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	a := d.accountOf(o)
	l := status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}
	brand := func(want bool) {
		t.Helper()
		if got := strings.Contains(b.Text("header"), a.ShownName()); got != want {
			t.Errorf("%s: branded %v, want %v", b.Location(), got, want)
		}
	}

	for _, path := range []string{"/no/such/page", "/track/verify", "/v5/orders/"} {
		if code := b.NavigateStatus(d.http.URL + path + "?lang=en"); code != 404 && code != 405 {
			t.Errorf("%s: HTTP %d", path, code)
		}
		if got := b.Text("[data-testid=error-heading]"); got != i18n.T("en", "page.no_such_page_heading") {
			t.Errorf("%s: heading %q", path, got)
		}
		if !b.Exists("[data-testid=error-home]") {
			t.Errorf("%s: no way back to the search", path)
		}
		brand(false)
		b.Axe()
	}

	if code := b.NavigateStatus(d.http.URL + "/track?account=" + itoa64(a.ID) + "&order_number=NOPE-1&lang=en"); code != 404 {
		t.Errorf("order not found: HTTP %d", code)
	}
	if got := b.Text("[data-testid=error-heading]"); got != i18n.T("en", "page.not_found_heading") {
		t.Errorf("not found heading %q", got)
	}
	brand(true)
	b.Axe()

	expired := auth.SignedQuery(a, l, time.Hour, time.Now().Add(-2*time.Hour))
	if code := b.NavigateStatus(d.http.URL + "/track?" + expired.Encode() + "&lang=en"); code != http.StatusGone {
		t.Errorf("expired link: HTTP %d", code)
	}
	if got := b.Text("[data-testid=error-message]"); got != i18n.T("en", "page.expired_verify") {
		t.Errorf("expired link says %q", got)
	}
	if !b.Exists("[data-testid=unlock] #v-postal") {
		t.Error("expired link offers no verification form")
	}
	brand(true)
	b.Axe()
	// The form on the expired page proves the order.
	b.SetValue("#v-postal", o.Trackings[0].RecipientPostalCode)
	if code := b.ClickNavigate("[data-testid=verify-submit]"); code != 200 || !b.Exists("[data-testid=address]") {
		t.Errorf("verify from the expired page: HTTP %d", code)
	}
	if loc := b.Location(); strings.Contains(loc, url.QueryEscape(o.Trackings[0].RecipientPostalCode)) || strings.Contains(loc, "recipient_postal_code") {
		t.Errorf("after the proof the browser is at %s", loc)
	}

	tampered := auth.SignedQuery(a, l, time.Hour, time.Now())
	tampered.Set("s", strings.Repeat("f", len(tampered.Get("s"))))
	b2 := browsertest.New(t) // a browser that has not proved the order
	if code := b2.NavigateStatus(d.http.URL + "/track?" + tampered.Encode() + "&lang=en"); code != 200 {
		t.Errorf("tampered link: HTTP %d", code)
	}
	if got := b2.Text("[role=status]"); got != i18n.T("en", "page.link_unconfirmed") {
		t.Errorf("tampered link says %q", got)
	}
	if b2.Exists("[data-testid=address]") || !b2.Exists("[data-testid=unlock]") {
		t.Error("tampered link shows the details or hides the form")
	}
	b2.Axe()

	// Too many wrong proofs: the page says when to try again.
	o2 := demoOrder(t, d, "B-2001")
	b2.Navigate(publicPage(d.http.URL, o2) + "&lang=en")
	for range auth.OrderAddrAttempts {
		post(t, nil, d.http.URL+"/track/verify", url.Values{"account": {itoa64(o2.Account)}, "order_number": {o2.OrderNumber}, "recipient_postal_code": {"00000"}})
	}
	b2.SetValue("#v-postal", "11111")
	if code := b2.ClickNavigate("[data-testid=verify-submit]"); code != http.StatusTooManyRequests {
		t.Errorf("too many attempts: HTTP %d", code)
	}
	if got := b2.Text("[data-testid=verify-error]"); !strings.Contains(got, "Try again in") {
		t.Errorf("429 says %q", got)
	}
	b2.Axe()
}

// The errors of TestBrowserErrorPages, asked by an API client: JSON with the same status.
func TestErrorJSONTwins(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	a := d.accountOf(o)
	l := status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}
	expired := auth.SignedQuery(a, l, time.Hour, time.Now().Add(-2*time.Hour))
	info := "/v4/track/orders/info/?"
	for _, c := range []struct {
		path string
		code int
	}{
		{"/no/such/page", 404},
		{"/track/verify", 405},
		{info + "account=" + itoa64(a.ID) + "&order_number=NOPE-1", 404},
		{info + expired.Encode(), 410},
	} {
		for _, accept := range []string{"application/json", ""} {
			code, body, hdr := get(t, nil, d.http.URL+c.path, "Accept", accept)
			if code != c.code || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, `"detail"`) {
				t.Errorf("%s (Accept %q): %d %s %s", c.path, accept, code, hdr.Get("Content-Type"), body)
			}
		}
	}
	o2 := demoOrder(t, d, "B-2001")
	q := url.Values{"account": {itoa64(o2.Account)}, "order_number": {o2.OrderNumber}, "recipient_postal_code": {"00000"}}
	var code int
	var hdr http.Header
	var body string
	for range auth.OrderAddrAttempts + 1 {
		code, body, hdr = get(t, nil, d.http.URL+info+q.Encode(), "Accept", "application/json")
	}
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(body, "Try again in") {
		t.Errorf("too many attempts for an API client: %d Retry-After %q %s", code, hdr.Get("Retry-After"), body)
	}
}
