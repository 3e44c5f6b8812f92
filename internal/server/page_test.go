package server

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// demoEnv is a test server with the demo dataset loaded, dated relative to now.
type demoEnv struct {
	*testEnv
	info *demo.Info
	now  time.Time
}

func newDemoEnv(t testing.TB) *demoEnv {
	t.Helper()
	e2 := newTestEnvAt(t, filepath.Join(t.TempDir(), "demo.db"), false)
	now := time.Now()
	info, err := demo.Load(context.Background(), e2.admin, os.DirFS("../../data/demo"), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Orders) < 14 {
		t.Fatalf("demo has %d orders", len(info.Orders))
	}
	// Serve the demo's images too, as `go run .` does.
	srv, err := New(Config{BaseURL: "http://example.test", Assets: os.DirFS("../../data/demo/assets")}, e2.db, e2.srv.logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	e2.srv = srv
	e2.http.Config.Handler = srv.Handler()
	e2.tokenA, e2.tokenB = info.Tokens[1001], info.Tokens[1002]
	e2.acctA, e2.acctB = info.Accounts[0], info.Accounts[1]
	return &demoEnv{testEnv: e2, info: info, now: now}
}

// get fetches a page with an optional client (cookie jar) and headers.
func get(t testing.TB, c *http.Client, u string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func post(t testing.TB, c *http.Client, u string, form url.Values, hdr ...string) (int, string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func (d *demoEnv) signedPage(o *status.Order) string {
	a := d.acctA
	if o.Account == d.acctB.ID {
		a = d.acctB
	}
	q := auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}, time.Hour, time.Now())
	return d.http.URL + "/track?" + q.Encode()
}

func publicPage(base string, o *status.Order) string {
	return base + "/track?" + url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}}.Encode()
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// personal returns the personal strings of an order that must not appear at public level.
func personal(o *status.Order) []string {
	var out []string
	add := func(s string) {
		if len(strings.TrimSpace(s)) > 3 {
			out = append(out, s)
		}
	}
	add(o.RecipientName)
	add(o.RecipientEmail)
	for _, t := range o.Trackings {
		if a := t.ShippingAddress; a != nil {
			add(a.AddressLine)
			add(a.Phone)
			add(a.LastName)
		}
		add(t.RecipientPostalCode)
		add(t.PODSignature)
		for _, ar := range t.Articles {
			add(ar.ArticleName)
		}
		if p := t.PickupLocation; p != nil && p.Address != nil {
			add(p.Address.AddressLine)
		}
	}
	for _, c := range o.COD {
		if len(c) == 2 {
			add(c[1])
		}
	}
	return out
}

func TestPageEveryDemoOrderAtEveryLevel(t *testing.T) {
	d := newDemoEnv(t)
	for _, o := range d.info.Orders {
		t.Run(o.OrderNumber, func(t *testing.T) {
			code, body, hdr := get(t, nil, publicPage(d.http.URL, o), "Accept-Language", "en")
			if code != 200 {
				t.Fatalf("public: %d", code)
			}
			if !strings.Contains(body, o.OrderNumber) || !strings.Contains(body, `data-testid="parcel-status"`) && len(o.Trackings) > 0 {
				t.Errorf("public page lacks the order or its status")
			}
			if !strings.Contains(body, `data-testid="unlock"`) {
				t.Errorf("public page lacks the verification form")
			}
			for _, p := range personal(o) {
				if strings.Contains(body, p) || strings.Contains(body, html.EscapeString(p)) {
					t.Errorf("public page shows personal data %q", p)
				}
			}
			if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			code, body, _ = get(t, nil, d.signedPage(o), "Accept-Language", "en")
			if code != 200 {
				t.Fatalf("shopper: %d", code)
			}
			if strings.Contains(body, `data-testid="unlock"`) {
				t.Errorf("signed page still asks to verify")
			}
			if len(o.Trackings) > 0 && o.Trackings[0].ShippingAddress != nil && !strings.Contains(body, html.EscapeString(o.Trackings[0].ShippingAddress.AddressLine)) {
				t.Errorf("shopper page lacks the address")
			}
			// A cancelled order has no stepper (and so no current step); every other has one.
			if hasStep := strings.Contains(body, `aria-current="step"`); len(o.Trackings) > 0 && hasStep == o.Cancelled() {
				t.Errorf("current step shown %v for cancelled=%v", hasStep, o.Cancelled())
			}
			if len(body) > 50_000 {
				t.Errorf("page is %d bytes", len(body))
			}
		})
	}
}

func TestPageStatesAndBanners(t *testing.T) {
	d := newDemoEnv(t)
	byNumber := map[string]*status.Order{}
	for _, o := range d.info.Orders {
		byNumber[o.OrderNumber] = o
	}
	tests := []struct {
		order string
		want  []string
	}{
		{"A-1006", []string{`data-testid="headline"`, "1 of 3 delivered · 1 arriving today", "Parcel 2 of 3"}},
		{"B-2001", []string{`data-testid="action-pickup-location"`, `data-testid="open-now"`, "Monday", `data-testid="pickup-address"`}},
		{"A-1007", []string{`data-testid="next-step"`, "Delivery attempt failed"}},
		{"A-1008", []string{`data-testid="banner-danger"`, "Problem with the delivery address"}},
		{"A-1011", []string{`data-testid="banner-danger"`, "cancelled"}},
		{"A-1012", []string{`data-testid="banner-info"`, `data-testid="next-step"`}},
		{"A-1010", []string{`data-testid="banner-warning"`}},
		{"A-1001", []string{`data-testid="feedback-form"`, "Delivered on"}},
		{"B-2003", []string{`data-testid="cod"`, "€49.90"}},
		{"A-1003", []string{`data-testid="more-events"`, "<details"}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			o := byNumber[tt.order]
			if o == nil {
				t.Fatalf("demo has no %s", tt.order)
			}
			_, body, _ := get(t, nil, d.signedPage(o)+"&lang=en")
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("missing %q", w)
				}
			}
		})
	}
}

func TestPageVerifyFlow(t *testing.T) {
	d := newDemoEnv(t)
	var o *status.Order
	for _, x := range d.info.Orders {
		if x.OrderNumber == "B-2001" {
			o = x
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := publicPage(d.http.URL, o)
	form := url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}, "recipient_postal_code": {"99999"}}
	code, body, _ := post(t, c, d.http.URL+"/track/verify", form)
	if code != 422 || !strings.Contains(body, i18n.T("de", "page.verify_failed")) && !strings.Contains(body, i18n.T("en", "page.verify_failed")) {
		t.Fatalf("wrong proof: %d", code)
	}
	form.Set("recipient_postal_code", strings.ToLower(" "+o.Trackings[0].RecipientPostalCode+" "))
	code, body, _ = post(t, c, d.http.URL+"/track/verify", form)
	if code != 200 || strings.Contains(body, `data-testid="unlock"`) || !strings.Contains(body, o.Trackings[0].ShippingAddress.AddressLine) {
		t.Fatalf("after proof (redirected): %d unlock=%v", code, strings.Contains(body, `data-testid="unlock"`))
	}
	// The session remembers the order.
	if _, body, _ = get(t, c, page); strings.Contains(body, `data-testid="unlock"`) {
		t.Errorf("session did not remember the verified order")
	}
	// Another browser does not.
	if _, body, _ = get(t, nil, page); !strings.Contains(body, `data-testid="unlock"`) {
		t.Errorf("a new browser sees details")
	}
}

func TestPageErrors(t *testing.T) {
	d := newDemoEnv(t)
	o := d.info.Orders[0]
	a := d.acctA
	if o.Account != a.ID {
		a = d.acctB
	}
	expired := auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}, time.Hour, time.Now().Add(-2*time.Hour))
	code, body, _ := get(t, nil, d.http.URL+"/track?"+expired.Encode()+"&lang=en")
	if code != 410 || !strings.Contains(body, `data-testid="unlock"`) {
		t.Errorf("expired link: %d, form=%v", code, strings.Contains(body, `data-testid="unlock"`))
	}
	code1, notFound, _ := get(t, nil, d.http.URL+"/track?account=1001&order_number=NOPE&lang=en")
	code2, wrongSecret, _ := get(t, nil, d.http.URL+"/track?account=1001&customer_number="+url.QueryEscape(o.CustomerNumber)+"&s=0123456789abcdef0123456789abcdef&lang=en")
	if code1 != 404 || code2 != 404 || !strings.Contains(notFound, "could not find") || !strings.Contains(wrongSecret, "could not find") {
		t.Errorf("not found (%d) and wrong secret (%d) must both be the not-found page", code1, code2)
	}
	if code, _, _ := get(t, nil, d.http.URL+"/track?order_number=x"); code != 400 {
		t.Errorf("bad parameters: %d", code)
	}
	// Too many attempts shows when to try again.
	form := url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}, "recipient_postal_code": {"00000"}}
	for i := 0; i < auth.OrderAddrAttempts; i++ {
		post(t, nil, d.http.URL+"/track/verify", form)
	}
	code, body, _ = post(t, nil, d.http.URL+"/track/verify", form)
	if code != 429 || !strings.Contains(body, "minutes") && !strings.Contains(body, "min") {
		t.Errorf("rate limited verify: %d", code)
	}
}

func TestPagePublicViewNone(t *testing.T) {
	d := newDemoEnv(t)
	a := d.acctA
	a.PublicView = status.PublicViewNone
	if err := d.db.UpdateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var o *status.Order
	for _, x := range d.info.Orders {
		if x.Account == a.ID {
			o = x
			break
		}
	}
	_, body, _ := get(t, nil, publicPage(d.http.URL, o)+"&lang=en")
	if !strings.Contains(body, `data-testid="unlock"`) || strings.Contains(body, `data-testid="parcel"`) {
		t.Errorf("public view none must show only the form")
	}
}

// TestPageLanguage checks the precedence through real requests: the shopper's remembered
// choice, then lang, then the order's language, then Accept-Language, then en.
func TestPageLanguage(t *testing.T) {
	d := newDemoEnv(t)
	var o *status.Order // a German shop's order
	for _, x := range d.info.Orders {
		if x.LanguageISO2 == "de" {
			o = x
			break
		}
	}
	if o == nil {
		t.Fatal("the demo has no German order")
	}
	u := publicPage(d.http.URL, o)
	tests := []struct {
		name, url, accept, want string
	}{
		{"lang parameter beats the order's language and Accept-Language", u + "&lang=fi", "fr", "fi"},
		{"the order's language beats Accept-Language", u, "fr-CH, fr;q=0.9, en;q=0.8", "de"},
		{"region stripped", u + "&lang=pt-BR", "", "pt"},
		{"Norwegian is served in Bokmål", u + "&lang=no", "", "nb"},
		{"unsupported lang falls through to the order's", u + "&lang=ja", "", "de"},
		{"Accept-Language without an order", d.http.URL + "/", "fr-CH, fr;q=0.9", "fr"},
		{"Accept-Language matched by CLDR", d.http.URL + "/", "ja, nn;q=0.8", "nb"},
		{"en last", d.http.URL + "/", "ja, zh;q=0.5", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, _ := get(t, nil, tt.url, "Accept-Language", tt.accept)
			if !strings.Contains(body, `<html lang="`+tt.want+`">`) {
				t.Errorf("want lang %s: %.200s", tt.want, body)
			}
		})
	}
	// The switcher's choice is remembered in the session cookie and beats everything else.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	post(t, c, d.http.URL+"/track/lang", url.Values{"lang": {"sv"}, "return": {"/track?x=1"}})
	for _, tt := range []struct{ name, url string }{{"order page", u}, {"order page with lang", u + "&lang=fi"}, {"search page", d.http.URL + "/"}} {
		if _, body, _ := get(t, c, tt.url, "Accept-Language", "de"); !strings.Contains(body, `<html lang="sv">`) {
			t.Errorf("%s: switcher choice not kept: %.200s", tt.name, body)
		}
	}
	// No open redirects.
	_, _, resp := post(t, nil, d.http.URL+"/track/lang", url.Values{"lang": {"sv"}, "return": {"//evil.example/x"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("return to %q", loc)
	}
}

func TestPageCrossSiteFormsRefused(t *testing.T) {
	d := newDemoEnv(t)
	o := d.info.Orders[0]
	form := url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}, "recipient_postal_code": {"x"}}
	for _, path := range []string{"/", "/track/verify", "/track/feedback", "/track/lang"} {
		code, _, _ := post(t, nil, d.http.URL+path, form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if code != 403 {
			t.Errorf("%s cross-site: %d", path, code)
		}
	}
}

func TestPageSearchAndFeedback(t *testing.T) {
	d := newDemoEnv(t)
	var o *status.Order
	for _, x := range d.info.Orders {
		if x.OrderNumber == "A-1001" {
			o = x
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	code, body, _ := post(t, c, d.http.URL+"/", url.Values{"order_number": {o.OrderNumber}, "recipient_email": {strings.ToUpper(o.RecipientEmail)}})
	if code != 200 || !strings.Contains(body, `data-testid="feedback-form"`) {
		t.Fatalf("search: %d", code)
	}
	code, _, _ = post(t, nil, d.http.URL+"/", url.Values{"order_number": {o.OrderNumber}, "recipient_email": {"someone@else.example"}})
	if code != 422 {
		t.Errorf("search with a wrong email: %d", code)
	}
	// Vote on the delivery.
	form := url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}, "parcel": {o.Trackings[0].ID}, "vote": {"up"}}
	code, body, _ = post(t, c, d.http.URL+"/track/feedback", form)
	if code != 200 || !strings.Contains(body, `data-testid="feedback-thanks"`) {
		t.Fatalf("feedback: %d", code)
	}
	fb, err := d.db.Feedback(context.Background(), o.ID)
	if err != nil || len(fb) != 1 || fb[0].Vote != "up" {
		t.Errorf("feedback stored: %+v %v", fb, err)
	}
	// Without the right to see the order, no vote.
	if code, _, _ := post(t, nil, d.http.URL+"/track/feedback", form); code != 403 {
		t.Errorf("anonymous feedback: %d", code)
	}
	// A signed email lookup that matches several orders lists them.
	q := auth.SignedQuery(d.acctA, status.Lookup{Kind: status.ByRecipientEmail, Account: 1001, Value: o.RecipientEmail}, time.Hour, time.Now())
	if _, body, _ := get(t, nil, d.http.URL+"/track?"+q.Encode()); !strings.Contains(body, `data-testid="order-list"`) {
		t.Errorf("several orders of a verified shopper are not listed")
	}
}

func TestStaticFilesImmutable(t *testing.T) {
	d := newDemoEnv(t)
	_, body, _ := get(t, nil, d.http.URL+"/")
	i := strings.Index(body, "/static/app.")
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	path := body[i : i+strings.Index(body[i:], `"`)]
	code, css, hdr := get(t, nil, d.http.URL+path)
	if code != 200 || !strings.Contains(hdr.Get("Cache-Control"), "immutable") || hdr.Get("ETag") == "" {
		t.Errorf("static %s: %d %v", path, code, hdr)
	}
	if len(css)+len(body) > 60_000 {
		t.Errorf("HTML+CSS %d bytes", len(css)+len(body))
	}
}
