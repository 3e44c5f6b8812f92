package server

import (
	"context"
	"crypto/rand"
	"encoding/gob"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/sessions"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// Cookie names. Shopper and staff sessions are separate cookies with separate lifetimes.
const (
	shopperCookie = "os_shopper"
	staffCookie   = "os_staff"
)

func init() {
	// Session values are gob-encoded; the shopper's grants are a map of order id to Unix time.
	gob.Register(map[string]int64{})
}

// newSessionStore returns a cookie store whose keys are generated on first start and kept in
// the database, so sessions survive restarts and need no configuration.
func newSessionStore(ctx context.Context, settings settingsStore, secure bool) (*sessions.CookieStore, []byte, error) {
	keys, err := settings.SettingOrInit(ctx, "session_keys", func() []byte {
		b := make([]byte, 64) // 32 bytes HMAC key + 32 bytes AES-256 key
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		return b
	})
	if err != nil {
		return nil, nil, err
	}
	store := sessions.NewCookieStore(keys[:32], keys[32:64])
	store.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: int(auth.GrantTTL.Seconds())}
	store.MaxAge(int(auth.GrantTTL.Seconds()))
	return store, keys, nil
}

// secureCookies reports whether cookies must be Secure: when links are built under https.
func secureCookies(baseURL string) bool { return strings.HasPrefix(baseURL, "https://") }

// shopperSession is the decoded shopper cookie: verified orders with the time they were
// verified, and the language chosen in the switcher.
type shopperSession struct {
	s *sessions.Session
}

func (s *Server) shopperSession(r *http.Request) shopperSession {
	sess, _ := s.sessions.current(r.Context()).Get(r, shopperCookie) // a tampered or stale cookie yields a new session
	return shopperSession{sess}
}

// Grants returns the orders this browser proved (auth decides what they unlock).
func (ss shopperSession) Grants() auth.Grants {
	g, _ := ss.s.Values["grants"].(map[string]int64)
	return g
}

// Grant remembers a proved order (auth.Grants bounds how many and for how long).
func (ss shopperSession) Grant(orderID string, now time.Time) {
	ss.s.Values["grants"] = map[string]int64(ss.Grants().With(orderID, now))
}

// Lang returns the language chosen in the switcher, or "".
func (ss shopperSession) Lang() string {
	l, _ := ss.s.Values["lang"].(string)
	return l
}

// SetLang stores the switcher's choice.
func (ss shopperSession) SetLang(l string) { ss.s.Values["lang"] = l }

// Save writes the cookie.
func (ss shopperSession) Save(w http.ResponseWriter, r *http.Request) error { return ss.s.Save(r, w) }
