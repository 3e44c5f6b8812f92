package server

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// TestInstancesNeedNoStickySessions runs two servers on one database, as behind a load
// balancer that sends every request to either: what one instance writes, grants or ends is
// what the other serves at once, so no sticky sessions are needed. On PostgreSQL these are two
// stores with their own pools on one schema, as two processes would have.
func TestInstancesNeedNoStickySessions(t *testing.T) {
	t.Parallel()
	a := newTestEnv(t)
	b := newTestEnvAt(t, a.path, false)
	ctx := context.Background()
	noRedirect := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	info := func(e *testEnv) string {
		t.Helper()
		code, body := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=LB-1", a.tokenA, nil)
		if code != 200 {
			t.Fatalf("info: %d %s", code, body)
		}
		return string(body)
	}

	// A write through A is what an info request and a page through B show, and back.
	if code, body := a.do(t, "PUT", "/v4/track/orders/", a.tokenA, orderPayload(1001, "LB-1", 1, 2)); code != 201 {
		t.Fatalf("PUT through A: %d %s", code, body)
	}
	if got := info(b); !strings.Contains(got, `"order_number":"LB-1"`) || strings.Contains(got, `"Delivered"`) {
		t.Fatalf("info through B after the write through A: %.300s", got)
	}
	signed := auth.SignedQuery(a.acctA, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "LB-1"}, 0, time.Now())
	if code, page, _ := get(t, nil, b.http.URL+"/track?"+signed.Encode()); code != 200 || !strings.Contains(page, "Hauptstr. 1") {
		t.Fatalf("signed page through B: %d", code)
	}
	if code, body := b.do(t, "PUT", "/v4/track/orders/", a.tokenA, orderPayload(1001, "LB-1", 1, 6)); code != 200 {
		t.Fatalf("PUT through B: %d %s", code, body)
	}
	if got := info(a); !strings.Contains(got, `"Delivered"`) {
		t.Errorf("info through A after the delivery written through B: %.300s", got)
	}

	// A shopper who proved the postal code on A sees the details on B.
	shopper := noRedirect()
	form := url.Values{"account": {"1001"}, "order_number": {"LB-1"}, "recipient_postal_code": {"04109"}}
	if code, _, _ := post(t, shopper, a.http.URL+"/track/verify", form); code != http.StatusSeeOther && code != 200 {
		t.Fatalf("proof through A: %d", code)
	}
	if code, page, _ := get(t, shopper, b.http.URL+"/track?account=1001&order_number=LB-1"); code != 200 || !strings.Contains(page, "Hauptstr. 1") || strings.Contains(page, `data-testid="unlock"`) {
		t.Errorf("page through B after the proof through A: %d, details shown %v", code, strings.Contains(page, "Hauptstr. 1"))
	}
	if _, page, _ := get(t, nil, b.http.URL+"/track?account=1001&order_number=LB-1"); strings.Contains(page, "Hauptstr. 1") {
		t.Error("a browser without the proof sees the details through B")
	}

	// A console session made on A works on B; a logout on B ends it on A.
	hash, err := bcrypt.GenerateFromPassword([]byte(staffPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.admin.CreateStaffUser(ctx, auth.StaffUser{Email: "boss@example.com", Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	staff := noRedirect()
	if code, body, _ := post(t, staff, a.http.URL+"/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}); code != http.StatusSeeOther {
		t.Fatalf("login through A: %d %s", code, body)
	}
	if code, _, _ := get(t, staff, b.http.URL+"/support/?q=LB-1"); code != 200 {
		t.Fatalf("console through B with A's session: %d, want 200", code)
	}
	// The cookie as it was before the logout, so that A is asked about the ended session
	// itself rather than about a cookie the logout deleted.
	au, _ := url.Parse(a.http.URL + "/support/")
	kept := noRedirect()
	kept.Jar.SetCookies(au, staff.Jar.Cookies(au))
	if code, _, _ := get(t, kept, a.http.URL+"/support/"); code != 200 {
		t.Fatalf("console through A with the session's cookie: %d, want 200", code)
	}
	if code, _, _ := post(t, staff, b.http.URL+"/support/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout through B: %d", code)
	}
	if code, _, _ := get(t, kept, a.http.URL+"/support/"); code == 200 {
		t.Errorf("console through A with the session ended through B: %d, want a redirect to the login", code)
	}
}
