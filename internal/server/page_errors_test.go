package server

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestWantsHTML(t *testing.T) {
	for _, c := range []struct {
		accept string
		want   bool
	}{
		{browserAccept, true},
		{"text/html", true},
		{"", false},
		{"*/*", false},
		{"application/json", false},
		{"application/json, text/html;q=0.5", false},
		{"text/html;q=0.9, application/json;q=0.9", true},
		{"text/html;q=0", false},
	} {
		r, _ := http.NewRequest("GET", "/x", nil)
		r.Header.Set("Accept", c.accept)
		if got := wantsHTML(r); got != c.want {
			t.Errorf("Accept %q: wantsHTML %v, want %v", c.accept, got, c.want)
		}
	}
}

// Every address no route serves is a page for a browser and JSON for an API client.
func TestUnknownRoutesNegotiate(t *testing.T) {
	e := newTestEnv(t)
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/no/such/page", 404},
		{"GET", "/v5/orders/", 404},
		{"GET", "/track/verify", 405},
		{"DELETE", "/track", 405},
	} {
		for _, accept := range []string{browserAccept, "application/json", ""} {
			req, _ := http.NewRequest(c.method, e.http.URL+c.path, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			req.Header.Set("Accept-Language", "de")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != c.code {
				t.Errorf("%s %s (%q): %d, want %d", c.method, c.path, accept, resp.StatusCode, c.code)
			}
			ct := resp.Header.Get("Content-Type")
			if accept == browserAccept {
				if !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, i18n.T("de", "page.no_such_page_heading")) || !strings.Contains(body, `href="/"`) {
					t.Errorf("%s %s for a browser: %s\n%.300s", c.method, c.path, ct, body)
				}
				continue
			}
			if !strings.HasPrefix(ct, "application/json") || !strings.Contains(body, `"detail"`) {
				t.Errorf("%s %s for an API client (%q): %s %s", c.method, c.path, accept, ct, body)
			}
		}
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func (d *demoEnv) accountOf(o *status.Order) status.Account {
	if o.Account == d.acctB.ID {
		return d.acctB
	}
	return d.acctA
}

// A link whose s was altered shows the public view and says the link could not be
// confirmed; an expired one says it expired and offers the verification form.
func TestPageLinkProblemsAreSaid(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	a := d.accountOf(o)
	l := status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}

	q := auth.SignedQuery(a, l, time.Hour, time.Now())
	sig := q.Get("s")
	q.Set("s", strings.Repeat("0", len(sig)))
	code, body, _ := get(t, nil, d.http.URL+"/track?"+q.Encode()+"&lang=en")
	if code != 200 || !strings.Contains(body, i18n.T("en", "page.link_unconfirmed")) || !strings.Contains(body, `data-testid="unlock"`) {
		t.Errorf("tampered link: %d, says unconfirmed %v", code, strings.Contains(body, i18n.T("en", "page.link_unconfirmed")))
	}
	for _, p := range personal(o) {
		if strings.Contains(body, p) {
			t.Errorf("tampered link shows %q", p)
		}
	}
	// A valid link says nothing of the kind.
	if _, body, _ := get(t, nil, d.signedPage(o)+"&lang=en"); strings.Contains(body, i18n.T("en", "page.link_unconfirmed")) {
		t.Error("a valid link is said to be unconfirmed")
	}

	expired := auth.SignedQuery(a, l, time.Hour, time.Now().Add(-2*time.Hour))
	code, body, _ = get(t, nil, d.http.URL+"/track?"+expired.Encode()+"&lang=en")
	if code != 410 || !strings.Contains(body, i18n.T("en", "page.expired_verify")) || !strings.Contains(body, `data-testid="unlock"`) {
		t.Errorf("expired link: %d", code)
	}
	if !strings.Contains(body, a.ShownName()) {
		t.Errorf("expired link of account %d is not branded", a.ID)
	}
}

// The not-found page is branded by the account the request names, whether or not the order
// exists, so the branding tells nothing.
func TestPageErrorsBrandedByLookupAccount(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	a := d.accountOf(o)
	code, body, _ := get(t, nil, d.http.URL+"/track?account="+itoa64(a.ID)+"&order_number=NOPE&lang=en")
	if code != 404 || !strings.Contains(body, a.ShownName()) || !strings.Contains(body, a.SupportEmail) {
		t.Errorf("not found in a known account: %d, branded %v", code, strings.Contains(body, a.ShownName()))
	}
	code, body, _ = get(t, nil, d.http.URL+"/track?courier=dhl&tracking_number=NOPE&lang=en")
	if code != 404 || strings.Contains(body, d.acctA.Name) || strings.Contains(body, d.acctB.Name) {
		t.Errorf("not found without an account: %d, branded", code)
	}
}

// Shoppers type order numbers in lower case with spaces around, and tracking numbers in
// the groups carriers print.
func TestPageLookupIgnoresCaseAndSpaces(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	q := url.Values{"account": {itoa64(o.Account)}, "order_number": {" " + strings.ToLower(o.OrderNumber) + " "}, "lang": {"en"}}
	if code, body, _ := get(t, nil, d.http.URL+"/track?"+q.Encode()); code != 200 || !strings.Contains(body, o.OrderNumber) {
		t.Errorf("lower-case order number: %d", code)
	}
	tn := o.Trackings[0].TrackingNumber
	spaced := tn[:4] + " " + tn[4:8] + " " + tn[8:]
	q = url.Values{"courier": {o.Trackings[0].Courier}, "tracking_number": {spaced}, "lang": {"en"}}
	if code, body, _ := get(t, nil, d.http.URL+"/track?"+q.Encode()); code != 200 || !strings.Contains(body, o.OrderNumber) {
		t.Errorf("tracking number with spaces %q: %d", spaced, code)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	code, body, _ := post(t, c, d.http.URL+"/", url.Values{"order_number": {strings.ToLower(o.OrderNumber)}, "recipient_email": {o.RecipientEmail}})
	if code != 200 || !strings.Contains(body, `data-testid="feedback-form"`) {
		t.Errorf("search with a lower-case order number: %d", code)
	}
}

// A failed proof names both fields and blames neither: a wrong order number and a wrong
// email get the same words.
func TestProofFailureNamesBothFields(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	_, wrongNumber, _ := post(t, nil, d.http.URL+"/?lang=en", url.Values{"order_number": {"A-99999"}, "recipient_email": {o.RecipientEmail}, "lang": {"en"}})
	_, wrongEmail, _ := post(t, nil, d.http.URL+"/?lang=en", url.Values{"order_number": {o.OrderNumber}, "recipient_email": {"x@example.org"}, "lang": {"en"}})
	msg := i18n.T("en", "page.verify_failed")
	if !strings.Contains(msg, "order number") || !strings.Contains(msg, "email") || !strings.Contains(msg, "postal code") {
		t.Fatalf("message does not name both fields: %q", msg)
	}
	if !strings.Contains(wrongNumber, msg) || !strings.Contains(wrongEmail, msg) {
		t.Errorf("wrong number and wrong email are not told alike")
	}
}

// No redirect after a proof carries the proof: the email and postal code only ever travel
// in a POST body.
func TestNoProofInRedirects(t *testing.T) {
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1001")
	email, postal := o.RecipientEmail, o.Trackings[0].RecipientPostalCode
	lookup := url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}}
	var forms []struct {
		path string
		form url.Values
	}
	add := func(path string, f url.Values) {
		forms = append(forms, struct {
			path string
			form url.Values
		}{path, f})
	}
	for _, proof := range []url.Values{{"recipient_email": {email}}, {"recipient_postal_code": {postal}}, {"recipient_email": {"wrong@example.org"}}} {
		f := url.Values{"order_number": {o.OrderNumber}}
		v := url.Values{}
		for k, x := range lookup {
			v[k] = x
		}
		for k, x := range proof {
			f[k], v[k] = x, x
		}
		add("/", f)
		add("/track/verify", v)
	}
	redirects := 0
	for _, f := range forms {
		code, _, resp := post(t, nil, d.http.URL+f.path, f.form)
		loc := resp.Header.Get("Location")
		if code == http.StatusSeeOther {
			redirects++
		}
		for _, p := range []string{email, url.QueryEscape(email), postal, "wrong@example.org", url.QueryEscape("wrong@example.org")} {
			if loc != "" && strings.Contains(loc, p) {
				t.Errorf("POST %s redirects to %s, which carries the proof", f.path, loc)
			}
		}
	}
	if redirects < 4 {
		t.Errorf("%d of the correct proofs redirected, want 4", redirects)
	}
}
