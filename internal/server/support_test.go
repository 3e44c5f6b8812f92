package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// demoNow is the clock of the console tests: the demo's reference date, so that demo dates
// are those of data/demo.
var demoNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

const staffPassword = "correct horse battery"

// supportEnv is a server with the demo dataset, an admin, an agent of account 1002 and a
// clock the test moves.
type supportEnv struct {
	db     Store       // the store the server runs on; tests call only Store's methods on it
	admin  engineStore // the same store, for what the CLI does
	sqlite *sqlite.DB  // nil on PostgreSQL (see needSQLite)
	raw    rawDB
	srv    *Server
	http   *httptest.Server
	mu     sync.Mutex
	clock  time.Time
}

func (e *supportEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *supportEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = e.clock.Add(d)
}

// newSupportServer starts a console on the demo data. base is the server's base URL; ""
// uses the test server's own URL, so that links and the widget are same-origin.
func newSupportServer(t testing.TB, base string) *supportEnv {
	t.Helper()
	ctx := context.Background()
	st := openTestStore(t, filepath.Join(t.TempDir(), "support.db"))
	db := st.db
	e := &supportEnv{db: db, admin: db, sqlite: st.sqlite, raw: st.raw, clock: demoNow}
	db.SetClock(e.now)
	if _, err := demo.Load(ctx, db, os.DirFS(filepath.Join("..", "..", "data", "demo")), demoNow); err != nil {
		t.Fatal(err)
	}
	// The cheapest bcrypt cost keeps the tests fast; Login compares at the hash's own cost.
	hash, err := bcrypt.GenerateFromPassword([]byte(staffPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.StaffUser{
		{Email: "boss@example.com", Role: auth.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Role: auth.RoleAgent, Accounts: []int64{1002}, PasswordHash: hash},
	} {
		if _, err := db.CreateStaffUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	e.http = httptest.NewUnstartedServer(nil)
	if base == "" {
		base = "http://" + e.http.Listener.Addr().String()
	}
	e.srv, err = New(Config{BaseURL: base}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Close)
	e.srv.SetClock(e.now)
	e.http.Config.Handler = e.srv.Handler()
	e.http.Start()
	t.Cleanup(e.http.Close)
	return e
}

// browser is an HTTP client with its own cookies that does not follow redirects.
type browser struct {
	t    testing.TB
	e    *supportEnv
	c    *http.Client
	last *http.Response
}

func (e *supportEnv) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// browserFrom is a browser whose connections come from another loopback address, so that the
// server sees a second client address.
func (e *supportEnv) browserFrom(t testing.TB, ip string) *browser {
	b := e.browser(t)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.c.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last = resp
	return resp.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.http.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header ...string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) login(email string) {
	b.t.Helper()
	code, body := b.post("/support/login", url.Values{"email": {email}, "password": {staffPassword}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", email, code, body)
	}
}

func (b *browser) location() string { return b.last.Header.Get("Location") }

var resultLinkRe = regexp.MustCompile(`data-testid="result-link">([^<]+)<`)

// results returns the order numbers of a search page, in order.
func results(body string) []string {
	var out []string
	for _, m := range resultLinkRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func (b *browser) search(q string, extra ...string) []string {
	b.t.Helper()
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	code, body := b.get("/support/?" + v.Encode())
	if code != 200 {
		b.t.Fatalf("search %q: %d %s", q, code, body)
	}
	return results(body)
}

// orderID returns the reference id of a demo order.
func (e *supportEnv) orderID(t testing.TB, account int64, number string) string {
	t.Helper()
	var id string
	if err := e.raw.QueryRow(`SELECT id FROM orders WHERE account_id = ? AND order_number = ?`, account, number).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSupportLogin(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)

	code, _ := b.get("/support/orders/x?y=1")
	if code != http.StatusSeeOther || b.location() != "/support/login?next=%2Fsupport%2Forders%2Fx%3Fy%3D1" {
		t.Fatalf("anonymous: %d to %q, want 303 to the login page", code, b.location())
	}
	code, body := b.get("/support/login")
	if code != 200 || !strings.Contains(body, `data-testid="login-form"`) {
		t.Fatalf("login form: %d", code)
	}
	code, _ = b.post("/support/login", url.Values{"email": {"Boss@Example.com"}, "password": {staffPassword}, "next": {"/support/?q=A-1001"}})
	if code != http.StatusSeeOther || b.location() != "/support/?q=A-1001" {
		t.Fatalf("login: %d to %q", code, b.location())
	}
	var cookie *http.Cookie
	for _, c := range b.last.Cookies() {
		if c.Name == staffCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.Path != "/support" || cookie.MaxAge != 12*3600 {
		t.Fatalf("staff cookie %+v: want HttpOnly, SameSite=Lax, not Secure on http, Path=/support, Max-Age 12h", cookie)
	}
	code, body = b.get("/support/")
	if code != 200 || !strings.Contains(body, `data-testid="staff-user">boss@example.com<`) {
		t.Fatalf("after login: %d", code)
	}
	code, _ = b.get("/support/login")
	if code != http.StatusSeeOther || b.location() != "/support/" {
		t.Fatalf("login page when signed in: %d to %q", code, b.location())
	}
	if code, _ := b.get("/support"); code != http.StatusMovedPermanently {
		t.Fatalf("/support: %d", code)
	}
}

func TestSupportLoginRedirectStaysLocal(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	for _, next := range []string{"//evil.example/", "https://evil.example/support/", "/support/login", "/track", "/support/\\evil"} {
		b := e.browser(t)
		b.post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}, "next": {next}})
		if b.location() != "/support/" {
			t.Errorf("next=%q: redirected to %q, want /support/", next, b.location())
		}
	}
}

var loginErrorRe = regexp.MustCompile(`data-testid="login-error">([^<]+)<`)

func TestSupportLoginFailures(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	if err := e.admin.DisableStaffUser(context.Background(), "agent@example.com"); err != nil {
		t.Fatal(err)
	}
	var messages []string
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", "boss@example.com", "wrong password!"},
		{"unknown user", "nobody@example.com", staffPassword},
		{"disabled user", "agent@example.com", staffPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser(t)
			code, body := b.post("/support/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			m := loginErrorRe.FindStringSubmatch(body)
			if code != http.StatusUnprocessableEntity || m == nil {
				t.Fatalf("got %d, want 422 with the form and its error", code)
			}
			if !strings.Contains(body, `value="`+tc.email+`"`) {
				t.Error("the form lost the email")
			}
			for _, c := range b.last.Cookies() {
				if c.Name == staffCookie {
					t.Error("a failed login set the staff cookie")
				}
			}
			messages = append(messages, m[1])
		})
	}
	if len(messages) != 3 || messages[0] != messages[1] || messages[1] != messages[2] {
		t.Fatalf("messages differ: %q", messages)
	}
}

func TestSupportLoginThrottle(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	for i := range auth.LoginPairFailures {
		if code, _ := b.post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {"wrong password!"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	code, body := b.post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}})
	if code != http.StatusTooManyRequests || b.last.Header.Get("Retry-After") != "60" || !strings.Contains(body, "Try again at 12:01:00 UTC") {
		t.Fatalf("after 5 failures: %d Retry-After=%q, want 429 in 60 s", code, b.last.Header.Get("Retry-After"))
	}
	// Another email from the same address still gets through: the per-address limit is 20.
	b2 := e.browser(t)
	if code, _ := b2.post("/support/login", url.Values{"email": {"agent@example.com"}, "password": {staffPassword}}); code != http.StatusSeeOther {
		t.Fatalf("other email: %d", code)
	}
	e.advance(auth.LoginBaseDelay)
	if code, _ := b.post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}); code != http.StatusSeeOther {
		t.Fatalf("after the delay: %d", code)
	}
}

// TestSupportLoginBurst is the reproduction of the issue: concurrent wrong passwords from one
// address get at most the free number of password checks, and the right password from a
// second address still works while the first is locked.
func TestSupportLoginBurst(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	const n = 40
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := e.browser(t).post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {fmt.Sprintf("wrong password %d", i)}})
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	counts := map[int]int{}
	for c := range codes {
		counts[c]++
	}
	if counts[http.StatusUnprocessableEntity] != auth.LoginPairFailures || counts[http.StatusTooManyRequests] != n-auth.LoginPairFailures {
		t.Fatalf("answers %v: want %d checked (422) and %d throttled (429)", counts, auth.LoginPairFailures, n-auth.LoginPairFailures)
	}
	if code, _ := e.browser(t).post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}); code != http.StatusTooManyRequests {
		t.Fatalf("right password from the locked address: %d, want 429", code)
	}
	if code, _ := e.browserFrom(t, "127.0.0.2").post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}); code != http.StatusSeeOther {
		t.Fatalf("right password from another address: %d, want a login", code)
	}
}

func TestSupportLogout(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	code, _ := b.post("/support/logout", nil)
	if code != http.StatusSeeOther || b.location() != "/support/login" {
		t.Fatalf("logout: %d to %q", code, b.location())
	}
	cleared := false
	for _, c := range b.last.Cookies() {
		cleared = cleared || (c.Name == staffCookie && c.MaxAge < 0)
	}
	if !cleared {
		t.Fatal("logout did not clear the staff cookie")
	}
	if code, _ := b.get("/support/"); code != http.StatusSeeOther {
		t.Fatalf("after logout: %d, want a redirect to login", code)
	}
}

func TestSupportSessionExpiry(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	// Activity keeps the session: each request moves the idle deadline.
	for range 2 {
		e.advance(5 * time.Hour)
		if code, _ := b.get("/support/"); code != 200 {
			t.Fatalf("active session: %d", code)
		}
	}
	e.advance(staffIdleTimeout)
	code, _ := b.get("/support/?q=A-1001")
	if code != http.StatusSeeOther || !strings.HasPrefix(b.location(), "/support/login?") || !strings.Contains(b.location(), "expired=1") {
		t.Fatalf("idle session: %d to %q, want the login page saying it expired", code, b.location())
	}
	code, body := b.get(b.location())
	if code != 200 || !strings.Contains(body, "8 hours without activity") {
		t.Fatalf("login page after expiry: %d", code)
	}
}

// TestSupportSessionAbsoluteLifetime: however active, a session ends 12 hours after login.
func TestSupportSessionAbsoluteLifetime(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	for range 5 {
		e.advance(2 * time.Hour)
		if code, _ := b.get("/support/"); code != 200 {
			t.Fatalf("active session: %d", code)
		}
	}
	e.advance(2*time.Hour + time.Second)
	if code, _ := b.get("/support/"); code != http.StatusSeeOther || !strings.Contains(b.location(), "expired=1") {
		t.Fatalf("12 h after login: %d to %q, want the login page saying it expired", code, b.location())
	}
}

// TestSupportLogoutReplay is the reproduction of the issue: a cookie copied before logout
// no longer works afterwards.
func TestSupportLogoutReplay(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	u, _ := url.Parse(e.http.URL + "/support/")
	copied := b.c.Jar.Cookies(u)
	if code, _ := b.get("/support/?q=A-1001"); code != 200 {
		t.Fatalf("before logout: %d", code)
	}
	if code, _ := b.post("/support/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	thief := e.browser(t)
	thief.c.Jar.SetCookies(u, copied)
	if code, _ := thief.get("/support/?q=A-1001"); code != http.StatusSeeOther || !strings.HasPrefix(thief.location(), "/support/login") {
		t.Fatalf("replayed cookie after logout: %d, want a redirect to login", code)
	}
}

func TestSupportDisableAndRevokeEndSessions(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	ctx := context.Background()
	boss, agent := e.browser(t), e.browser(t)
	boss.login("boss@example.com")
	agent.login("agent@example.com")
	if err := e.admin.DisableStaffUser(ctx, "agent@example.com"); err != nil {
		t.Fatal(err)
	}
	if code, _ := agent.get("/support/"); code != http.StatusSeeOther {
		t.Fatalf("session of a disabled user: %d, want a redirect to login", code)
	}
	u, err := e.db.StaffUserByEmail(ctx, "boss@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.admin.RevokeStaffSessions(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("revoke: %d %v, want 1 session", n, err)
	}
	if code, _ := boss.get("/support/"); code != http.StatusSeeOther {
		t.Fatalf("revoked session: %d, want a redirect to login", code)
	}
}

func TestSupportPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	if err := e.admin.SetStaffPassword(context.Background(), "boss@example.com", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if code, _ := b.get("/support/"); code != http.StatusSeeOther {
		t.Fatalf("session after password change: %d, want a redirect to login", code)
	}
}

func TestSupportSecureCookieOnHTTPS(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "https://status.example.com")
	b := e.browser(t)
	b.login("boss@example.com")
	for _, c := range b.last.Cookies() {
		if c.Name == staffCookie && !c.Secure {
			t.Fatal("staff cookie not Secure under an https base URL")
		}
	}
}

func TestSupportCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	form := url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}
	for _, tc := range []struct {
		name   string
		path   string
		header []string
	}{
		{"login with Sec-Fetch-Site cross-site", "/support/login", []string{"Sec-Fetch-Site", "cross-site"}},
		{"login with a foreign Origin", "/support/login", []string{"Origin", "https://evil.example"}},
		{"logout with Sec-Fetch-Site cross-site", "/support/logout", []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser(t)
			b.login("boss@example.com")
			if code, _ := b.post(tc.path, form, tc.header...); code != http.StatusForbidden {
				t.Fatalf("got %d, want 403", code)
			}
			if code, _ := b.get("/support/"); code != 200 {
				t.Fatalf("the refused post changed the session: %d", code)
			}
		})
	}
	t.Run("same-origin post passes", func(t *testing.T) {
		b := e.browser(t)
		if code, _ := b.post("/support/login", form, "Sec-Fetch-Site", "same-origin", "Origin", e.http.URL); code != http.StatusSeeOther {
			t.Fatalf("got %d", code)
		}
	})
}

func TestSupportSearchDemoKeys(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	emma := []string{"A-1012", "A-1001", "A-1010"} // newest order date first
	for _, tc := range []struct {
		name, q string
		want    []string
	}{
		{"email", "emma.clarke@example.com", emma},
		{"email in another case", "  Emma.Clarke@EXAMPLE.com ", emma},
		{"customer number", "NW-C-100482", emma},
		{"customer number of the other account", "KD-198765", []string{"B-2006", "B-2004"}},
		{"order number", "A-1003", []string{"A-1003"}},
		{"order number lower-case", "b-2005", []string{"B-2005"}},
		{"tracking number", "TT482133761GB", []string{"A-1002"}},
		{"tracking number lower-case", "tt482133761gb", []string{"A-1002"}},
		{"tracking number digits", "00340434161094015902", []string{"B-2001"}},
		{"external order id", "501cce9d-3fdb-4258-9466-616fec7a75ef", []string{"A-1001"}},
		{"external order id upper-case", "501CCE9D-3FDB-4258-9466-616FEC7A75EF", []string{"A-1001"}},
		{"external reference", "NW-SO-784512", []string{"A-1001"}},
		{"tracking external reference", "NW-SHP-311072", []string{"A-1006"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.search(tc.q); !slices.Equal(got, tc.want) {
				t.Fatalf("search %q: got %v, want %v", tc.q, got, tc.want)
			}
		})
	}
	t.Run("account filter", func(t *testing.T) {
		if got := b.search("NW-C-100482", "account", "1002"); len(got) != 0 {
			t.Fatalf("got %v in account 1002", got)
		}
		if got := b.search("NW-C-100482", "account", "1001"); !slices.Equal(got, emma) {
			t.Fatalf("got %v in account 1001", got)
		}
	})
	t.Run("results show account, recipient and parcel states", func(t *testing.T) {
		_, body := b.get("/support/?q=A-1006")
		for _, want := range []string{"Northwind Outfitters (1001)", "priya.shah@example.com", "TT482519073GB", "15501348245590", "1ZA81W766804129573", `class="pill pill-`} {
			if !strings.Contains(body, want) {
				t.Errorf("results lack %q", want)
			}
		}
	})
}

func TestSupportSearchStates(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	_, body := b.get("/support/")
	if !strings.Contains(body, `data-testid="search-empty"`) || strings.Contains(body, `data-testid="results"`) {
		t.Fatal("empty state missing")
	}
	_, body = b.get("/support/?q=NOPE-42")
	if !strings.Contains(body, `data-testid="search-nomatch"`) ||
		!strings.Contains(body, "“NOPE-42” as order number, customer number, tracking number or external reference in all accounts") {
		t.Fatalf("no-match state does not say what was searched:\n%s", body)
	}
	_, body = b.get("/support/?q=someone%40example.com&account=1002")
	if !strings.Contains(body, "“someone@example.com” as email in Bergfeld Haus &amp; Garten") {
		t.Fatal("no-match state of an email search in one account does not say what was searched")
	}
}

func TestSupportSearchPages(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	tok := auth.NewSecret("os_")
	if err := e.admin.AddToken(context.Background(), 1001, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	te := &testEnv{http: e.http}
	for i := range 30 {
		p := orderPayload(1001, fmt.Sprintf("P-%03d", i), 1, 2)
		p["recipient_email"] = "many@example.com"
		p["order_date"] = demoNow.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339)
		if code, body := te.do(t, "PUT", "/v4/track/orders/", tok, p); code != 201 {
			t.Fatalf("seed: %d %s", code, body)
		}
	}
	b := e.browser(t)
	b.login("boss@example.com")
	_, body := b.get("/support/?q=many%40example.com")
	got := results(body)
	if len(got) != supportPageSize || got[0] != "P-000" || !strings.Contains(body, "30 orders match") || !strings.Contains(body, "Page 1 of 2") {
		t.Fatalf("page 1: %d results from %v", len(got), got[:1])
	}
	_, body = b.get("/support/?q=many%40example.com&page=2")
	if got := results(body); len(got) != 5 || got[4] != "P-029" || !strings.Contains(body, `rel="prev"`) {
		t.Fatalf("page 2: %v", got)
	}
}

func TestSupportAgentIsolation(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("agent@example.com")
	t.Run("search hides other accounts", func(t *testing.T) {
		for _, q := range []string{"emma.clarke@example.com", "A-1001", "NW-C-100482", "TT482133761GB"} {
			if got := b.search(q); len(got) != 0 {
				t.Errorf("agent of 1002 found %v for %q", got, q)
			}
			if got := b.search(q, "account", "1001"); len(got) != 0 {
				t.Errorf("agent of 1002 found %v for %q with account=1001", got, q)
			}
		}
		if got := b.search("markus.hoffmann@example.com"); !slices.Equal(got, []string{"B-2006", "B-2004"}) {
			t.Errorf("own account: %v", got)
		}
	})
	t.Run("a URL of another account's order is not found", func(t *testing.T) {
		code, body := b.get("/support/orders/" + e.orderID(t, 1001, "A-1001"))
		if code != http.StatusNotFound || strings.Contains(body, "A-1001") {
			t.Fatalf("got %d", code)
		}
		if code, _ := b.get("/support/orders/o_doesnotexist"); code != http.StatusNotFound {
			t.Fatalf("unknown order: %d", code)
		}
		if code, _ := b.get("/support/orders/" + e.orderID(t, 1002, "B-2001")); code != 200 {
			t.Fatalf("own order: %d", code)
		}
	})
	t.Run("the account filter offers only own accounts", func(t *testing.T) {
		_, body := b.get("/support/")
		if strings.Contains(body, "Northwind") {
			t.Fatal("agent sees the other account's name")
		}
	})
	t.Run("the audit log is for admins", func(t *testing.T) {
		if code, _ := b.get("/support/audit"); code != http.StatusForbidden {
			t.Fatalf("agent audit: %d", code)
		}
	})
}

func TestSupportOrderDetail(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	ctx := context.Background()
	// Add a hidden event and shopper feedback, so that the page has both to show.
	id := e.orderID(t, 1001, "A-1006")
	o, err := e.db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	te := &testEnv{http: e.http}
	tok := auth.NewSecret("os_")
	e.admin.AddToken(ctx, 1001, auth.HashToken(tok))
	ev := map[string]any{"courier": o.Trackings[0].Courier, "tracking_number": o.Trackings[0].TrackingNumber, "status_code": "Hub-Processed",
		"event_timestamp": demoNow.Add(-time.Hour).Format(time.RFC3339), "is_hidden": true, "status_details": "re-sorted at hub"}
	if code, body := te.do(t, "POST", "/v4/track/events/", tok, ev); code >= 300 {
		t.Fatalf("event: %d %s", code, body)
	}
	if err := e.db.AddFeedback(ctx, id, o.Trackings[0].ID, "delivery", "down", demoNow); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.login("boss@example.com")
	code, body := b.get("/support/orders/" + id)
	if code != 200 {
		t.Fatalf("detail: %d", code)
	}
	for _, want := range []string{
		`data-testid="order-heading">Order A-1006<`,
		"priya.shah@example.com", "NW-C-100214", "NW-SO-784563", "15ef3a3b-ca2b-494d-a34e-614facd3d1de",
		`data-testid="hidden-mark"`, "re-sorted at hub",
		`data-testid="articles"`,
		`id="shopper-link"`, `data-copy="#shopper-link"`, `data-copy="#widget-snippet"`,
		"/track?account=1001", "/v4/track/orders/info-widget/?", `data-testid="widget-image"`,
		"Thumbs down", `data-testid="callbacks"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	// The shopper link works and shows the order at shopper level.
	m := regexp.MustCompile(`id="shopper-link" readonly value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no shopper link")
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "A-1006") {
		t.Fatalf("shopper link %s: %d", link, resp.StatusCode)
	}
}

func TestSupportAudit(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	ctx := context.Background()
	agent := e.browser(t)
	agent.login("agent@example.com")
	agent.search("Lena.Schmidt@example.com", "account", "1002")
	id := e.orderID(t, 1002, "B-2001")
	agent.get("/support/orders/" + id)
	agent.get("/support/orders/" + e.orderID(t, 1001, "A-1001")) // not found: no view entry

	entries, total, err := e.db.AuditEntries(ctx, auth.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 {
		t.Fatalf("%d entries: %+v", total, entries)
	}
	view, search, login := entries[0], entries[1], entries[2]
	if login.Action != auth.AuditLogin || login.UserEmail != "agent@example.com" {
		t.Errorf("login entry %+v", login)
	}
	if search.Action != auth.AuditSearch || search.Query != "Lena.Schmidt@example.com" || search.AccountID != 1002 || search.OrderID != "" || search.At != "2026-01-15T12:00:00.000Z" {
		t.Errorf("search entry %+v", search)
	}
	if view.Action != auth.AuditView || view.OrderID != id || view.AccountID != 1002 || view.Query != "" {
		t.Errorf("view entry %+v", view)
	}

	admin := e.browser(t)
	admin.login("boss@example.com")
	code, body := admin.get("/support/audit")
	if code != 200 || strings.Count(body, `data-testid="audit-row"`) != 4 {
		t.Fatalf("audit page: %d, %d rows", code, strings.Count(body, `data-testid="audit-row"`))
	}
	agentID := regexp.MustCompile(`<option value="(\d+)">agent@example.com`).FindStringSubmatch(body)[1]
	for _, tc := range []struct {
		query string
		rows  int
	}{
		{"user=" + agentID, 3},
		{"action=search", 1},
		{"action=view&user=" + agentID, 1},
		{"account=1002", 2},
		{"account=1001", 0},
		{"from=2026-01-15&to=2026-01-15", 4},
		{"from=2026-01-16", 0},
		{"to=2026-01-14", 0},
	} {
		_, body := admin.get("/support/audit?" + tc.query)
		if n := strings.Count(body, `data-testid="audit-row"`); n != tc.rows {
			t.Errorf("audit?%s: %d rows, want %d", tc.query, n, tc.rows)
		}
	}
}
