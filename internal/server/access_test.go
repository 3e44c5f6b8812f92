package server

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Regression tests of the access service (issue: who sees what, decided in one place).

// freeTextOrder is the rich order with a marker in every free-text field of the order, its
// trackings and checkpoints, and a last-mile location that names a street.
func freeTextOrder(number, email, postal string) map[string]any {
	p := richOrder(nil)
	p["order_number"] = number
	p["recipient_email"] = email
	p["recipient_name"] = "MARKNAME" + number + "X"
	delete(p, "external_order_id")
	delete(p, "external_reference")
	p["notes"] = "MARKNOTESX Nachbar: Krüger"
	for i, tr := range p["trackings"].([]any) {
		t := tr.(map[string]any)
		t["tracking_number"] = number + "-" + postal + "-" + email + "-TN" + strconv.Itoa(i)
		if a, ok := t["shipping_address"].(map[string]any); ok {
			addr := map[string]any{}
			for k, v := range a {
				addr[k] = v
			}
			addr["address_line"] = "MARKLINE" + number + "X"
			t["shipping_address"] = addr
		}
		t["recipient_postal_code"] = postal
		delete(t, "external_reference")
		if pl, ok := t["pickup_location"].(map[string]any); ok {
			pl["name"] = "MARKPICKUPX Kiosk, Gollierstraße 23"
		}
		cps := t["checkpoints"].([]any)
		for j, c := range cps {
			cp := c.(map[string]any)
			cp["status_details"] = "MARKDETAILS" + strconv.Itoa(i) + strconv.Itoa(j) + "X signed for by CLARKE"
			cp["delivery_extra_info"] = "MARKEXTRAX Bitte halten Sie 49,90 EUR bereit"
			if code := cp["status_code"].(string); code == "PickupReady" || code == "Delivered-Neighbour" {
				cp["location"] = "MARKSTREETX Gollierstraße 23, DE"
			}
		}
	}
	return p
}

// freeTextMarkers are the markers freeTextOrder writes.
var freeTextMarkers = []string{"MARKNOTES", "MARKPICKUP", "MARKDETAILS", "MARKEXTRA", "MARKSTREET", "CLARKE", "Krüger", "49,90", "Gollierstraße"}

func assertNoFreeText(t *testing.T, what, body string) {
	t.Helper()
	for _, m := range freeTextMarkers {
		if strings.Contains(body, m) {
			t.Errorf("%s carries free text %q at the public level", what, m)
		}
	}
}

// credential is how a test caller proves (or does not prove) the right to see an order.
type credential string

const (
	anonymous credential = "anonymous"
	signature credential = "signature"
	session   credential = "session" // a browser that proved the order with its postal code
	token     credential = "token"
)

// accessSurfaces are every surface that shows an order, fetched for one credential. A new
// surface is added here, and TestEverySurfaceAtEveryLevel checks it at every level.
var accessSurfaces = []struct {
	name  string
	route string // as chi names it: "GET /v4/track/orders/info/"
	// want is the level each credential gets ("" = refused or the neutral fallback).
	want  map[credential]status.Access
	fetch func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string)
}{
	{"info API", "GET /v4/track/orders/info/", map[credential]status.Access{anonymous: status.AccessPublic, signature: status.AccessShopper, session: status.AccessPublic, token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			q, hdr := credentials(e, o, c)
			code, body, _ := get(t, client, e.http.URL+"/v4/track/orders/info/?"+q.Encode(), hdr...)
			return code, body
		}},
	{"shopper page", "GET /track", map[credential]status.Access{anonymous: status.AccessPublic, signature: status.AccessShopper, session: status.AccessShopper, token: status.AccessPublic},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			q, hdr := credentials(e, o, c)
			code, body, _ := get(t, client, e.http.URL+"/track?"+q.Encode()+"&lang=en", hdr...)
			return code, body
		}},
	{"widget alt text", "GET /v4/track/orders/info-widget/alt", map[credential]status.Access{anonymous: "", signature: status.AccessShopper, session: "", token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			q, hdr := credentials(e, o, c)
			code, body, h := get(t, client, e.http.URL+"/v4/track/orders/info-widget/alt?"+q.Encode()+"&lang=en", hdr...)
			if strings.HasPrefix(h.Get("X-Orderstatus-Widget"), "fallback") {
				return code, "fallback:" + body
			}
			return code, body
		}},
	{"order API", "GET /v4/track/orders/{id}/", map[credential]status.Access{anonymous: "", signature: "", session: "", token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			tok := ""
			if c == token {
				tok = e.tokenA
			}
			code, body := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", tok, nil)
			return code, string(body)
		}},
	{"widget image", "GET /v4/track/orders/info-widget/", map[credential]status.Access{anonymous: "", signature: status.AccessShopper, session: "", token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			q, hdr := credentials(e, o, c)
			code, body, h := get(t, client, e.http.URL+"/v4/track/orders/info-widget/?"+q.Encode(), hdr...)
			if strings.HasPrefix(h.Get("X-Orderstatus-Widget"), "fallback") {
				return code, "fallback:"
			}
			// The image holds no text to search; what it was drawn from is the alt text.
			_, alt, _ := get(t, client, e.http.URL+"/v4/track/orders/info-widget/alt?"+q.Encode(), hdr...)
			if len(body) == 0 {
				return 500, ""
			}
			return code, alt
		}},
	{"order list", "GET /v4/track/orders/", map[credential]status.Access{anonymous: "", signature: "", session: "", token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			_, hdr := credentials(e, o, c)
			code, body, _ := get(t, client, e.http.URL+"/v4/track/orders/", hdr...)
			return code, body
		}},
	{"callback log", "GET /v4/track/orders/{id}/callbacks/", map[credential]status.Access{anonymous: "", signature: "", session: "", token: status.AccessFull},
		func(t *testing.T, e *testEnv, o *status.Order, c credential, client *http.Client) (int, string) {
			_, hdr := credentials(e, o, c)
			code, body, _ := get(t, client, e.http.URL+"/v4/track/orders/"+o.ID+"/callbacks/", hdr...)
			if code == http.StatusOK {
				// The log lists deliveries, not the order: its full level is the order API's.
				_, order, _ := get(t, client, e.http.URL+"/v4/track/orders/"+o.ID+"/", hdr...)
				return code, body + order
			}
			return code, body
		}},
}

// otherRoutes are the routes that are not a surface of accessSurfaces, with where their
// access is decided and tested. TestEveryRouteIsClassified fails for a route in neither list.
var otherRoutes = map[string]string{
	"GET /healthz":                    "operator endpoint, no order data",
	"GET /metrics":                    "operator endpoint, no order data",
	"GET /readyz":                     "operator endpoint, no order data",
	"GET /v4/openapi.json":            "the API description, no order data",
	"PUT /v4/track/orders/":           "ingest: the token's own account (TestTokenIsolation)",
	"POST /v4/track/orders/":          "ingest: the token's own account (TestTokenIsolation)",
	"POST /v4/track/events/":          "ingest: the token's own account's trackings (TestTrackingNumbersPerAccount)",
	"GET /v4/track/couriers/":         "the courier directory, no order data",
	"GET /v4/track/account/":          "token only: the token's own account's settings (TestAccountAPITokenOnly)",
	"PUT /v4/track/account/":          "token only: the token's own account's settings (TestAccountAPITokenOnly)",
	"PUT /v4/track/account/logo":      "token only: the token's own account's logo (TestAccountAPITokenOnly)",
	"DELETE /v4/track/account/logo":   "token only: the token's own account's logo (TestAccountAPITokenOnly)",
	"GET /":                           "the search form, no order data",
	"POST /":                          "the shopper search (TestHomeSearchAcrossManyAccounts)",
	"POST /track/verify":              "proofs (TestProofGrantsOnlyTheProvedOrder, TestExistingAndMissingLookAlike)",
	"POST /track/feedback":            "needs the shopper level (TestPageSearchAndFeedback)",
	"POST /track/lang":                "language choice, no order data",
	"GET /support":                    "redirect to the console",
	"GET /support/login":              "staff login form",
	"POST /support/login":             "staff login",
	"POST /support/logout":            "staff logout",
	"GET /support/":                   "console search: the staff user's accounts (support tests)",
	"GET /support/orders/{id}":        "console order: the staff user's accounts (support tests)",
	"GET /support/audit":              "admins only (support tests)",
	"POST /support/orders/{id}/open":  "console: the staff user's accounts, audited (TestSupportOpenAsShopper)",
	"POST /support/orders/{id}/notes": "console: the staff user's accounts, audited (TestSupportNotes)",
	"* /static/*":                     "static files (every method)",
	"GET /brand/{account}/{file}":     "a shop's uploaded logo, no order data (TestLogoUpload)",
	"* /demo/assets/*":                "demo images (every method)",
	"GET /brand/{file}":               "a shop's stylesheet (app.css and its accent colour), no order data",
	"PUT /v4/track/orders/{id}/trackings/{tracking_id}/label": "label upload: the token's own account (TestLabelUpload)",
	"GET /v4/track/orders/{id}/trackings/{tracking_id}/label": "label download: the token's own account (TestLabelUpload)",
	"GET /support/orders/{id}/trackings/{tracking_id}/label":  "console label: the staff user's accounts (TestSupportLabel)",
	"GET /brand/{account}": "a shop's accent colour, no order data",
}

// Every route the router serves is either a surface checked at every level or classified.
func TestEveryRouteIsClassified(t *testing.T) {
	e := newTestEnv(t)
	surfaces := map[string]bool{}
	for _, s := range accessSurfaces {
		surfaces[s.route] = true
	}
	err := chi.Walk(e.srv.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		r := method + " " + strings.Replace(route, "/*/", "/", -1)
		if !surfaces[r] && otherRoutes[r] == "" && otherRoutes["* "+route] == "" {
			t.Errorf("route %s is neither an access surface (accessSurfaces) nor classified (otherRoutes)", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// credentials are the query and headers of a request for o with credential c (a session is
// the client's cookie jar).
func credentials(e *testEnv, o *status.Order, c credential) (url.Values, []string) {
	q := orderQuery(o)
	switch c {
	case signature:
		return signedQuery(e.acctA, q, ""), nil
	case token:
		return q, []string{"Authorization", "Bearer " + e.tokenA}
	}
	return q, nil
}

func orderQuery(o *status.Order) url.Values {
	return url.Values{"account": {itoa64(o.Account)}, "order_number": {o.OrderNumber}}
}

// verifiedClient returns a browser that proved the order with its postal code.
func verifiedClient(t *testing.T, e *testEnv, o *status.Order, postal string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := orderQuery(o)
	form.Set("recipient_postal_code", postal)
	code, body, _ := post(t, c, e.http.URL+"/track/verify", form)
	if code != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", code, body)
	}
	return c
}

func putOrder(t *testing.T, e *testEnv, tok string, p map[string]any) *status.Order {
	t.Helper()
	code, body := e.do(t, "PUT", "/v4/track/orders/", tok, p)
	if code != 200 && code != 201 {
		t.Fatalf("put %v: %d %s", p["order_number"], code, body)
	}
	return ptr(decode[status.Order](t, body))
}

func ptr[T any](v T) *T { return &v }

func TestEverySurfaceAtEveryLevel(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	o := putOrder(t, e, e.tokenA, freeTextOrder("FT-1", "ft1@example.com", "04109"))
	name := "MARKLINEFT-1X" // the recipient's street: shown from the shopper level on
	for _, s := range accessSurfaces {
		for _, c := range []credential{anonymous, signature, session, token} {
			t.Run(s.name+"/"+string(c), func(t *testing.T) {
				var client *http.Client
				if c == session {
					client = verifiedClient(t, e, o, "04109")
				}
				code, body := s.fetch(t, e, o, c, client)
				want := s.want[c]
				switch want {
				case "":
					if code == http.StatusOK && !strings.HasPrefix(body, "fallback:") {
						t.Fatalf("want refused or fallback, got %d %.200s", code, body)
					}
					assertNoFreeText(t, s.name, body)
					if strings.Contains(body, name) || strings.Contains(body, "-TN0") && strings.HasPrefix(s.name, "widget") {
						t.Errorf("refused answer names the order: %.200s", body)
					}
				case status.AccessPublic:
					if code != http.StatusOK {
						t.Fatalf("%d %.200s", code, body)
					}
					assertNoFreeText(t, s.name, body)
					if strings.Contains(body, name) {
						t.Errorf("public %s shows the recipient's address", s.name)
					}
				default:
					if code != http.StatusOK {
						t.Fatalf("%d %.200s", code, body)
					}
					// The shopper and full levels show what the public level hides (so the
					// checks above can fail): the address and the carrier's free text.
					// The widget draws nothing personal beyond the order number (emails get
					// forwarded), at any level.
					if !strings.HasPrefix(s.name, "widget") && (!strings.Contains(body, name) || !strings.Contains(body, "MARKDETAILS")) {
						t.Errorf("%s at %s lacks the recipient's address or the carrier's details: %.300s", s.name, want, body)
					}
				}
			})
		}
	}
}

func TestPublicChooserCarriesNoFreeText(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	for _, n := range []string{"CH-1", "CH-2"} {
		p := freeTextOrder(n, n+"@example.com", "04109")
		p["trackings"].([]any)[0].(map[string]any)["external_reference"] = "SHARED-REF"
		putOrder(t, e, e.tokenA, p)
	}
	q := url.Values{"account": {"1001"}, "external_reference": {"SHARED-REF"}, "lang": {"en"}}
	code, body, _ := get(t, nil, e.http.URL+"/track?"+q.Encode())
	if code != 200 || !strings.Contains(body, `data-testid="order-list"`) {
		t.Fatalf("chooser: %d", code)
	}
	assertNoFreeText(t, "chooser", body)
}

// Two orders of one account share a tracking's external reference. Shopper B proves their
// own order through that lookup: the browser is granted B's order only.
func TestProofGrantsOnlyTheProvedOrder(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	a := freeTextOrder("SR-1", "alice@example.com", "10115")
	b := freeTextOrder("SR-2", "bob@example.com", "80331")
	for _, p := range []map[string]any{a, b} {
		p["trackings"].([]any)[0].(map[string]any)["external_reference"] = "PKG-SHARED"
	}
	oa := putOrder(t, e, e.tokenA, a)
	ob := putOrder(t, e, e.tokenA, b)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	form := url.Values{"account": {"1001"}, "external_reference": {"PKG-SHARED"}, "recipient_postal_code": {"80331"}}
	code, body, _ := post(t, c, e.http.URL+"/track/verify", form)
	if code != 200 || !strings.Contains(body, "MARKLINESR-2X") {
		t.Fatalf("verify lands on the proved order: %d %.300s", code, body)
	}
	if strings.Contains(body, "MARKLINESR-1X") {
		t.Errorf("the proved order's page shows the other customer")
	}
	for _, u := range []string{
		"/track?account=1001&external_reference=PKG-SHARED&lang=en",
		"/track?" + orderQuery(oa).Encode() + "&lang=en",
	} {
		_, body, _ := get(t, c, e.http.URL+u)
		if strings.Contains(body, "MARKLINESR-1X") {
			t.Errorf("%s: the other customer's name is shown to B", u)
		}
	}
	if _, body, _ := get(t, c, e.http.URL+"/track?"+orderQuery(ob).Encode()+"&lang=en"); !strings.Contains(body, "MARKLINESR-2X") {
		t.Errorf("B's own order is not unlocked")
	}
}

// A link signed for an order number without client_key matches two orders: it grants shopper
// access to neither, on the page and in the API.
func TestAmbiguousSignedLookupGrantsNothing(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	for _, ck := range []string{"shop-a", "shop-b"} {
		p := freeTextOrder("CK-1", ck+"@example.com", "04109")
		p["client_key"] = ck
		p["recipient_name"] = "MARKNAME" + ck + "X"
		for _, tr := range p["trackings"].([]any) {
			tr.(map[string]any)["tracking_number"] = tr.(map[string]any)["tracking_number"].(string) + ck
		}
		putOrder(t, e, e.tokenA, p)
	}
	q := signedQuery(e.acctA, url.Values{"account": {"1001"}, "order_number": {"CK-1"}}, "")
	code, body := e.do(t, "GET", "/v4/track/orders/info/?"+q.Encode(), "", nil)
	if code != 200 || !strings.Contains(string(body), `"access":"public"`) || strings.Contains(string(body), "MARKNAME") {
		t.Errorf("info: %d %.300s", code, body)
	}
	_, page, _ := get(t, nil, e.http.URL+"/track?"+q.Encode()+"&lang=en")
	if !strings.Contains(page, `data-testid="order-list"`) || strings.Contains(page, "MARKNAME") {
		t.Errorf("page must show the public chooser only")
	}
	_, _, hdr := get(t, nil, e.http.URL+"/v4/track/orders/info-widget/?"+q.Encode())
	if !strings.HasPrefix(hdr.Get("X-Orderstatus-Widget"), "fallback") {
		t.Errorf("widget of an ambiguous link: %q, want the fallback", hdr.Get("X-Orderstatus-Widget"))
	}
	// client is the documented alias of client_key: it picks the client's order.
	for _, ck := range []string{"shop-a", "shop-b"} {
		_, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=CK-1&client="+ck, e.tokenA, nil)
		if !strings.Contains(string(body), "MARKNAME"+ck+"X") {
			t.Errorf("client=%s: %.200s", ck, body)
		}
	}
	// With client_key the signed link names one order.
	q = signedQuery(e.acctA, url.Values{"account": {"1001"}, "order_number": {"CK-1"}, "client_key": {"shop-b"}}, "")
	if _, body := e.do(t, "GET", "/v4/track/orders/info/?"+q.Encode(), "", nil); !strings.Contains(string(body), "MARKNAMEshop-bX") {
		t.Errorf("full identity: %.300s", body)
	}
}

// The home search across 25 accounts: 30 correct searches from one address all succeed, and a
// wrong one counts once.
func TestHomeSearchAcrossManyAccounts(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	for i := 3; i <= 25; i++ {
		a := status.Account{ID: int64(1000 + i), Name: "Shop " + strconv.Itoa(i), SigningKey: "k", PublicView: "status"}
		if err := e.db.CreateAccount(context.Background(), a, auth.HashToken("tok-"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	putOrder(t, e, "tok-17", map[string]any{"order_number": "S-17", "recipient_email": "s17@example.com",
		"trackings": []any{map[string]any{"tracking_number": "S17-TN", "courier": "dhl-germany", "recipient_postal_code": "04109"}}})
	for i := 0; i < 30; i++ {
		code, body, resp := post(t, nil, e.http.URL+"/", url.Values{"order_number": {"S-17"}, "recipient_email": {"S17@example.com"}})
		if code != http.StatusSeeOther {
			t.Fatalf("correct search %d: %d %.200s", i+1, code, body)
		}
		if loc := resp.Header.Get("Location"); !strings.Contains(loc, "account=1017") {
			t.Fatalf("redirect %q", loc)
		}
	}
	// Wrong searches count once each, and the 429 says when to try again.
	for i := 0; i < auth.OrderAddrAttempts; i++ {
		if code, _, _ := post(t, nil, e.http.URL+"/", url.Values{"order_number": {"S-17"}, "recipient_email": {"wrong@example.com"}}); code != 422 {
			t.Fatalf("wrong search %d: %d", i+1, code)
		}
	}
	code, _, resp := post(t, nil, e.http.URL+"/", url.Values{"order_number": {"S-17"}, "recipient_email": {"S17@example.com"}})
	if code != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after %d wrong searches: %d Retry-After=%q", auth.OrderAddrAttempts, code, resp.Header.Get("Retry-After"))
	}
}

// Every 429 carries Retry-After: info API, page, verify and search.
func TestEvery429HasRetryAfter(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	o := putOrder(t, e, e.tokenA, freeTextOrder("RL-1", "rl@example.com", "04109"))
	for i := 0; i < auth.OrderAddrAttempts; i++ {
		e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=RL-1&recipient_postal_code=99999", "", nil)
	}
	check := func(name string, code int, h http.Header) {
		t.Helper()
		n, err := strconv.Atoi(h.Get("Retry-After"))
		if code != http.StatusTooManyRequests || err != nil || n < 1 {
			t.Errorf("%s: %d Retry-After=%q", name, code, h.Get("Retry-After"))
		}
	}
	resp, err := http.Get(e.http.URL + "/v4/track/orders/info/?account=1001&order_number=RL-1&recipient_postal_code=04109")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	check("info API", resp.StatusCode, resp.Header)
	form := orderQuery(o)
	form.Set("recipient_postal_code", "04109")
	code, _, r := post(t, nil, e.http.URL+"/track/verify", form)
	check("verify", code, r.Header)
	resp, _ = http.Get(e.http.URL + "/track?" + orderQuery(o).Encode() + "&recipient_postal_code=04109")
	resp.Body.Close()
	check("page", resp.StatusCode, resp.Header)
}

// Existing and missing orders look the same to anonymous callers on every surface, with the
// account's public view "status" and "none".
func TestExistingAndMissingLookAlike(t *testing.T) {
	for _, view := range []string{status.PublicViewStatus, status.PublicViewNone} {
		t.Run(view, func(t *testing.T) {
			e := newTestEnv(t)
			e.srv.SetClock(func() time.Time { return fixedNow })
			a := e.acctA
			a.PublicView = view
			if err := e.db.UpdateAccount(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			putOrder(t, e, e.tokenA, freeTextOrder("EX-1", "ex@example.com", "04109"))
			type answer struct {
				code int
				hdr  string
				body string
			}
			// Everything but the order number in the URL (echoed in forms) must match.
			norm := func(s, number string) string {
				s = strings.ReplaceAll(s, number, "N")
				return regexp.MustCompile(`(request id|nonce-|nonce=")[^ "';]*`).ReplaceAllString(s, "$1")
			}
			fetch := func(number string) map[string]answer {
				out := map[string]answer{}
				q := url.Values{"account": {"1001"}, "order_number": {number}, "lang": {"en"}}
				headers := func(h http.Header) string {
					return h.Get("Content-Type") + "|" + h.Get("Cache-Control") + "|" + h.Get("X-Orderstatus-Widget") + "|" + h.Get("Retry-After")
				}
				code, body, h := get(t, nil, e.http.URL+"/v4/track/orders/info-widget/?"+q.Encode())
				out["widget"] = answer{code, headers(h), strconv.Itoa(len(body))}
				code, body, h = get(t, nil, e.http.URL+"/v4/track/orders/info-widget/alt?"+q.Encode())
				out["alt"] = answer{code, headers(h), body}
				form := url.Values{"account": {"1001"}, "order_number": {number}, "recipient_postal_code": {"99999"}, "lang": {"en"}}
				code, body, r := post(t, nil, e.http.URL+"/track/verify", form)
				out["verify"] = answer{code, headers(r.Header), norm(body, number)}
				if view == status.PublicViewNone {
					code, body, h = get(t, nil, e.http.URL+"/track?"+q.Encode())
					out["page"] = answer{code, headers(h), norm(body, number)}
					c, b := e.do(t, "GET", "/v4/track/orders/info/?"+q.Encode(), "", nil)
					out["api"] = answer{c, "", string(b)}
				}
				return out
			}
			existing, missing := fetch("EX-1"), fetch("EX-9")
			for k, want := range missing {
				if got := existing[k]; got != want {
					t.Errorf("%s: existing order answers %d %q %.200q, missing %d %q %.200q", k, got.code, got.hdr, got.body, want.code, want.hdr, want.body)
				}
			}
		})
	}
}

// A burst of 100 parallel wrong proofs from one address is checked at most the limit times,
// and the right proof from another address still succeeds afterwards.
func TestParallelWrongProofsAndSecondAddress(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	o := putOrder(t, e, e.tokenA, freeTextOrder("PB-1", "pb@example.com", "04109"))
	svc := e.srv.access
	req := status.InfoRequest{Lookup: status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: o.OrderNumber}, ProofPostal: "99999"}
	var mu sync.Mutex
	checked, refused := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Go(func() {
			g, err := svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "198.51.100.7"})
			var rl *auth.RateLimitError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && g.ProofFailed:
				checked++
			case asRateLimit(err, &rl):
				refused++
			default:
				t.Errorf("unexpected: %+v %v", g, err)
			}
		})
	}
	wg.Wait()
	if checked > auth.OrderAddrAttempts || checked+refused != 100 {
		t.Errorf("%d wrong proofs checked, %d refused; at most %d may be checked", checked, refused, auth.OrderAddrAttempts)
	}
	// The right proof from the same address is refused for now; from another address it works.
	req.ProofPostal = "04109"
	if _, err := svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "198.51.100.7"}); !asRateLimit(err, new(*auth.RateLimitError)) {
		t.Errorf("same address after the burst: %v, want a rate limit", err)
	}
	g, err := svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "203.0.113.9"})
	if err != nil || g.Level != status.AccessShopper {
		t.Fatalf("right proof from a second address: %+v %v", g, err)
	}
	// The daily ceiling per order bounds guesses across addresses.
	req.ProofPostal = "99999"
	for i := 0; i < auth.OrderDayAttempts; i++ {
		svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "192.0.2." + strconv.Itoa(i)})
	}
	req.ProofPostal = "04109"
	if _, err := svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "203.0.113.10"}); !asRateLimit(err, new(*auth.RateLimitError)) {
		t.Errorf("after the daily ceiling: %v, want a rate limit", err)
	}
}

func asRateLimit(err error, target **auth.RateLimitError) bool {
	rl, ok := err.(*auth.RateLimitError)
	if ok {
		*target = rl
	}
	return ok
}

// Two accounts hold the same tracking number; neither learns of the other's.
func TestTrackingNumbersPerAccount(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	tn := map[string]any{"tracking_number": "SAME-TN-1", "courier": "dhl-germany", "recipient_postal_code": "04109"}
	a := putOrder(t, e, e.tokenA, map[string]any{"order_number": "TA-1", "recipient_email": "a@example.com", "recipient_name": "MARKALICEX", "trackings": []any{tn}})
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenB, map[string]any{"order_number": "TB-1", "recipient_email": "b@example.com", "recipient_name": "MARKBOBX", "trackings": []any{tn}})
	if code != 201 || strings.Contains(string(body), "another account") {
		t.Fatalf("account B stores the same tracking number: %d %s", code, body)
	}
	// Events of B go to B's order only.
	ev := map[string]any{"courier": "dhl-germany", "tracking_number": "SAME-TN-1", "status_code": "InTransit", "event_timestamp": "2026-01-14T08:00:00Z"}
	if code, body := e.do(t, "POST", "/v4/track/events/", e.tokenB, ev); code != 200 {
		t.Fatalf("events: %d %s", code, body)
	}
	stored, err := e.db.Order(context.Background(), a.ID)
	if err != nil || len(stored.Trackings[0].Checkpoints) != 0 {
		t.Errorf("B's event landed on A's order: %+v %v", stored.Trackings[0].Checkpoints, err)
	}
	// Each token sees its own order by tracking number.
	for _, c := range []struct{ tok, want, not string }{{e.tokenA, "TA-1", "TB-1"}, {e.tokenB, "TB-1", "TA-1"}} {
		_, body := e.do(t, "GET", "/v4/track/orders/info/?tracking_number=SAME-TN-1&courier=dhl-germany", c.tok, nil)
		if !strings.Contains(string(body), c.want) || strings.Contains(string(body), c.not) {
			t.Errorf("token lookup: %s", body)
		}
	}
	// Without account the lookup is ambiguous: public chooser, no account's personal data.
	code, body = e.do(t, "GET", "/v4/track/orders/info/?tracking_number=SAME-TN-1&courier=dhl-germany", "", nil)
	if code != 200 || !strings.Contains(string(body), `"access":"public"`) || strings.Contains(string(body), "MARK") {
		t.Errorf("anonymous ambiguous lookup: %d %s", code, body)
	}
	_, page, _ := get(t, nil, e.http.URL+"/track?tracking_number=SAME-TN-1&courier=dhl-germany&lang=en")
	if !strings.Contains(page, `data-testid="order-list"`) || strings.Contains(page, "MARK") {
		t.Errorf("page of an ambiguous tracking number must be the public chooser")
	}
}

// Guesses at orders that do not exist are counted per guessed order, as they are for orders
// that exist: they never share one bucket that would make missing orders answer 429 sooner.
func TestGuessesAtMissingOrdersAreCountedPerOrder(t *testing.T) {
	e := newTestEnv(t)
	svc := e.srv.access
	for i := 0; i < auth.OrderDayAttempts+5; i++ {
		req := status.InfoRequest{Lookup: status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "NOPE-" + strconv.Itoa(i)}, ProofPostal: "12345"}
		_, err := svc.Resolve(context.Background(), req, auth.Caller{ClientAddr: "192.0.2." + strconv.Itoa(i%250)})
		if err != status.ErrNotFound {
			t.Fatalf("guess %d at a missing order: %v, want not found", i, err)
		}
	}
}
