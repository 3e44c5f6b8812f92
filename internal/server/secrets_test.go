package server

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// TestBackupCannotForge is the reproduction of the issue: with a backup file, and so every
// value the database holds, but without the master key, an attacker can neither forge a
// console session, nor sign a shopper link, nor learn the callback secret.
func TestBackupCannotForge(t *testing.T) {
	t.Parallel()
	needSQLite(t, "a backup is an SQLite file (PostgreSQL's is pg_dump's)")
	e := newSupportServer(t, "")
	ctx := context.Background()
	b := e.browser(t)
	b.login("boss@example.com")
	backup := filepath.Join(t.TempDir(), "stolen.db")
	if err := e.sqlite.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v %v, want 0600", fi.Mode().Perm(), err)
	}
	raw, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var sessionKeys []byte
	if err := raw.QueryRow(`SELECT value FROM settings WHERE key = 'session_keys'`).Scan(&sessionKeys); err != nil {
		t.Fatal(err)
	}
	var sid []byte
	if err := raw.QueryRow(`SELECT id_hash FROM staff_sessions`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	var signingKey, callbackSecret string
	if err := raw.QueryRow(`SELECT signing_key, callback_secret FROM accounts WHERE id = 1001`).Scan(&signingKey, &callbackSecret); err != nil {
		t.Fatal(err)
	}
	acct, err := e.db.Account(ctx, 1001)
	if err != nil {
		t.Fatal(err)
	}
	if signingKey == acct.SigningKey || strings.Contains(signingKey, acct.SigningKey) || strings.Contains(callbackSecret, acct.CallbackSecret) {
		t.Fatal("the backup holds the account's secrets in plaintext")
	}

	// Cookies made with the backup's session key bytes, as the old store used them.
	var candidates [][]byte
	candidates = append(candidates, sessionKeys)
	if len(sessionKeys) >= 64 {
		candidates = append(candidates, sessionKeys[:64])
	}
	for _, keys := range candidates {
		if len(keys) < 64 {
			keys = append(keys, make([]byte, 64-len(keys))...)
		}
		store := sessions.NewCookieStore(keys[:32], keys[32:64])
		for _, values := range []map[any]any{
			{staffSessionKey: hex.EncodeToString(sid)},
			{"uid": int64(1), "epoch": int64(1), "seen": demoNow.Unix()},
		} {
			sess := sessions.NewSession(store, staffCookie)
			sess.Options = &sessions.Options{Path: "/support"}
			sess.Values = values
			rec := httptest.NewRecorder()
			if err := sess.Save(httptest.NewRequest("GET", "/", nil), rec); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", e.http.URL+"/support/?q=A-1001", nil)
			req.Header.Set("Cookie", strings.Split(rec.Header().Get("Set-Cookie"), ";")[0])
			forger := e.browser(t)
			if code, _ := forger.do(req); code != http.StatusSeeOther || !strings.HasPrefix(forger.location(), "/support/login") {
				t.Fatalf("forged staff cookie %v: %d, want a redirect to login", values, code)
			}
		}
	}

	// A link signed with what the backup holds as the signing key is not a shopper link.
	lookup := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1001"}
	for _, tc := range []struct {
		key  string
		want string
	}{{acct.SigningKey, "shopper"}, {signingKey, "public"}} {
		q := auth.SignedQuery(status.Account{ID: 1001, SigningKey: tc.key}, lookup, time.Hour, demoNow)
		code, body := e.browser(t).get("/v4/track/orders/info/?" + q.Encode())
		var doc struct {
			Access string `json:"access"`
		}
		json.Unmarshal([]byte(body), &doc)
		if tc.want == "shopper" && (code != 200 || doc.Access != "shopper") {
			t.Fatalf("link signed with the real key: %d access %q, want shopper", code, doc.Access)
		}
		if tc.want == "public" && doc.Access == "shopper" {
			t.Fatalf("link signed with the backup's signing_key value got shopper access")
		}
	}
}

// TestRotateSessionKeys: after the rotation, staff sessions end at once and a running server
// refuses shopper cookies made with the old keys within sessionKeysCheck.
func TestRotateSessionKeys(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	ctx := context.Background()
	staff := e.browser(t)
	staff.login("boss@example.com")
	shopper := e.browser(t)
	if code, _ := shopper.post("/track/lang", url.Values{"lang": {"sv"}, "return": {"/"}}); code != http.StatusSeeOther {
		t.Fatalf("language switch: %d", code)
	}
	if _, body := shopper.get("/"); !strings.Contains(body, `<html lang="sv">`) {
		t.Fatal("the shopper cookie did not keep the language")
	}
	before, err := e.db.Setting(ctx, "session_keys")
	if err != nil || len(before) != 64 {
		t.Fatalf("session keys: %d bytes, %v", len(before), err)
	}
	if n, err := e.admin.RotateSessionKeys(ctx); err != nil || n != 1 {
		t.Fatalf("rotate: %d %v, want 1 staff session ended", n, err)
	}
	if code, _ := staff.get("/support/"); code != http.StatusSeeOther {
		t.Fatalf("staff session after rotation: %d, want a redirect to login", code)
	}
	e.advance(sessionKeysCheck)
	if _, body := shopper.get("/"); strings.Contains(body, `<html lang="sv">`) {
		t.Fatal("the shopper cookie made with the old keys still works after the rotation")
	}
	after, err := e.db.Setting(ctx, "session_keys")
	if err != nil || len(after) != 64 || string(after) == string(before) {
		t.Fatalf("session keys after rotation: %d bytes, same=%v, %v", len(after), string(after) == string(before), err)
	}
	staff.login("boss@example.com")
	if code, _ := staff.get("/support/"); code != http.StatusOK {
		t.Fatalf("a new login after the rotation: %d", code)
	}
}
