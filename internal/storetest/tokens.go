package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// API tokens: an expired or revoked token finds no account; the last use is recorded at
// most once a minute; listing shows every token of the account.
func testTokens(t *testing.T, open Open) {
	ctx := context.Background()
	s, _ := setup(t, open)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return t0 })
	forever, expiring := tokenHash("forever"), tokenHash("expiring")
	if err := s.AddToken(ctx, 1001, forever); err != nil {
		t.Fatal(err)
	}
	exp := auth.APIToken{ID: auth.TokenID(expiring), Account: 1001, Hash: expiring, CreatedAt: t0.Add(time.Second), ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateToken(ctx, exp); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, auth.APIToken{ID: "tok_x", Account: 4242, Hash: tokenHash("x"), CreatedAt: t0}); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("token of an unknown account: %v, want ErrNotFound", err)
	}
	for _, h := range [][]byte{forever, expiring} {
		if a, err := s.AccountByToken(ctx, h); err != nil || a.ID != 1001 || a.SigningKey != shopA.SigningKey {
			t.Fatalf("account by token: %+v, %v", a, err)
		}
	}
	list, err := s.Tokens(ctx, 1001)
	if err != nil || len(list) != 2 {
		t.Fatalf("tokens: %+v, %v", list, err)
	}
	if list[0].ID != auth.TokenID(forever) || !list[0].ExpiresAt.IsZero() || !list[0].LastUsedAt.Equal(t0) ||
		list[1].ID != exp.ID || !list[1].ExpiresAt.Equal(exp.ExpiresAt) || !list[1].CreatedAt.Equal(exp.CreatedAt) {
		t.Errorf("tokens: %+v", list)
	}
	// Used again within the minute: the last use stays; a minute later it moves.
	s.SetClock(func() time.Time { return t0.Add(30 * time.Second) })
	s.AccountByToken(ctx, forever)
	if list, _ := s.Tokens(ctx, 1001); !list[0].LastUsedAt.Equal(t0) {
		t.Errorf("last use rewritten within a minute: %v", list[0].LastUsedAt)
	}
	s.SetClock(func() time.Time { return t0.Add(2 * time.Minute) })
	s.AccountByToken(ctx, forever)
	if list, _ := s.Tokens(ctx, 1001); !list[0].LastUsedAt.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("last use after two minutes: %v", list[0].LastUsedAt)
	}
	// Expiry: at the expiry time the token no longer authenticates; it is still listed.
	s.SetClock(func() time.Time { return exp.ExpiresAt })
	if _, err := s.AccountByToken(ctx, expiring); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("expired token: %v, want ErrNotFound", err)
	}
	if list, _ := s.Tokens(ctx, 1001); len(list) != 2 {
		t.Errorf("expired token not listed: %d tokens", len(list))
	}
	// Revocation, only by the token's own account.
	if err := s.RevokeToken(ctx, 1002, auth.TokenID(forever)); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("revoke by another account: %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx, 1001, auth.TokenID(forever)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByToken(ctx, forever); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("revoked token: %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx, 1001, auth.TokenID(forever)); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("second revoke: %v, want ErrNotFound", err)
	}
	// The token of a new account gets its id too.
	acct := status.Account{ID: 1003, Name: "Shop C", SigningKey: "key-c", CallbackSecret: "whsec_c", PublicView: "status"}
	if err := s.CreateAccount(ctx, acct, tokenHash("c")); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Tokens(ctx, 1003); len(list) != 1 || list[0].ID != auth.TokenID(tokenHash("c")) {
		t.Errorf("token of a new account: %+v", list)
	}
}

// ListOrders keeps one customer's orders, by customer number or by email (trimmed,
// case-insensitively), with pagination.
func testListOrdersByCustomer(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o1 := mustSave(t, in, 1001, map[string]any{"order_number": "C-1", "customer_number": "K-1", "recipient_email": "Emma@Example.com"})
	o2 := mustSave(t, in, 1001, map[string]any{"order_number": "C-2", "customer_number": "K-2", "recipient_email": "emma@example.com"})
	o3 := mustSave(t, in, 1001, map[string]any{"order_number": "C-3", "customer_number": "K-1", "recipient_email": "noah@example.com"})
	mustSave(t, in, 1002, map[string]any{"order_number": "C-4", "customer_number": "K-1", "recipient_email": "emma@example.com"})
	ids := func(os []*status.Order) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		p    status.PageRequest
		want []string
	}{
		{"customer number", status.PageRequest{CustomerNumber: "K-1"}, []string{o1.ID, o3.ID}},
		{"email, any case", status.PageRequest{RecipientEmail: " EMMA@example.com "}, []string{o1.ID, o2.ID}},
		{"both", status.PageRequest{CustomerNumber: "K-1", RecipientEmail: "emma@example.com"}, []string{o1.ID}},
		{"newest first", status.PageRequest{Ordering: "-created_at", RecipientEmail: "emma@example.com"}, []string{o2.ID, o1.ID}},
		{"no match", status.PageRequest{CustomerNumber: "K-9"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p.Ordering == "" {
				tc.p.Ordering = "created_at"
			}
			tc.p.Limit = 10
			got, err := s.ListOrders(ctx, 1001, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("got %v, want %v", ids(got), tc.want)
			}
		})
	}
	// The filter holds across pages.
	first, err := s.ListOrders(ctx, 1001, status.PageRequest{Ordering: "created_at", CustomerNumber: "K-1", Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatalf("first page: %v, %v", ids(first), err)
	}
	c, err := s.CursorOf(ctx, first[0], "created_at")
	if err != nil {
		t.Fatal(err)
	}
	next, err := s.ListOrders(ctx, 1001, status.PageRequest{Ordering: "created_at", CustomerNumber: "K-1", After: &c, Limit: 1})
	if err != nil || !slices.Equal(ids(next), []string{o3.ID}) {
		t.Errorf("second page: %v, %v; want %s", ids(next), err, o3.ID)
	}
}

// Secrets at rest: signing keys, callback secrets and settings are stored sealed, not as
// plaintext, and read back as they were given.
func testSealedSecrets(t *testing.T, open Open) {
	ctx := context.Background()
	s, _ := setup(t, open)
	a := shopA
	a.PreviousSigningKey = "key-a-previous"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SettingOrInit(ctx, "session_keys", func() []byte { return []byte("session-secret-material") }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Account(ctx, 1001)
	if err != nil || got.SigningKey != a.SigningKey || got.PreviousSigningKey != a.PreviousSigningKey || got.CallbackSecret != a.CallbackSecret {
		t.Fatalf("account read back: %+v, %v", got, err)
	}
	if v, err := s.Setting(ctx, "session_keys"); err != nil || string(v) != "session-secret-material" {
		t.Fatalf("setting read back: %q, %v", v, err)
	}
	raw, err := s.RawValues(ctx, `SELECT signing_key, previous_signing_key, callback_secret FROM accounts`)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := s.RawValues(ctx, `SELECT value FROM settings`)
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, settings...)
	if len(raw) != 3*2+2 { // two accounts; session_keys and the master key check
		t.Fatalf("raw values: %q", raw)
	}
	for _, v := range raw {
		if v == "" { // shop B has no previous signing key
			continue
		}
		if !auth.IsSealed(v) {
			t.Errorf("stored %q, not sealed", v)
		}
		for _, secret := range []string{"key-a", "whsec_a", "key-b", "whsec_b", "session-secret-material"} {
			if strings.Contains(v, secret) {
				t.Errorf("stored value %q holds the plaintext %q", v, secret)
			}
		}
	}
	// A callback job carries the plaintext secret to sign with.
	in := &status.Ingest{Store: s, Now: time.Now}
	mustSave(t, in, 1001, withTracking("TS1"))
	jobs, err := s.ClaimCallbacks(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(jobs) != 1 || jobs[0].Secret != a.CallbackSecret {
		t.Errorf("claimed %+v, %v; want one job with the callback secret", jobs, err)
	}
}

// Housekeeping prunes rate-limit windows and delivered callbacks; the outbox reports what is
// pending.
func testHousekeeping(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, l := range []auth.Limit{{Key: "addr:old", Max: 5, Window: time.Hour}, {Key: "addr:new", Max: 5, Window: time.Hour}} {
		at := t0
		if l.Key == "addr:old" {
			at = t0.Add(-25 * time.Hour)
		}
		if _, _, err := s.TakeAttempts(ctx, []auth.Limit{l}, at); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.PruneRateLimits(ctx, t0.Add(-24*time.Hour)); err != nil || n != 1 {
		t.Errorf("pruned %d rate limits, %v; want 1", n, err)
	}
	if wait, _, _ := s.TakeAttempts(ctx, []auth.Limit{{Key: "addr:new", Max: 1, Window: time.Hour}}, t0); wait == 0 {
		t.Error("the recent window was pruned")
	}
	if n, oldest, err := s.OutboxPending(ctx); err != nil || n != 0 || !oldest.IsZero() {
		t.Errorf("empty outbox: %d %v %v", n, oldest, err)
	}
	mustSave(t, in, 1001, withTracking("H1"))
	mustSave(t, in, 1001, map[string]any{"order_number": "H-2", "recipient_email": "e@example.com", "trackings": []any{tracking("H2", "dhl")}})
	n, oldest, err := s.OutboxPending(ctx)
	if err != nil || n != 2 || oldest.IsZero() || time.Since(oldest) > time.Minute {
		t.Fatalf("outbox: %d pending, oldest %v, %v; want 2 just now", n, oldest, err)
	}
	now := time.Now()
	jobs, err := s.ClaimCallbacks(ctx, now, time.Minute, 10)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claim: %d, %v", len(jobs), err)
	}
	if err := s.FinishCallback(ctx, jobs[0], callback.Outcome{State: callback.Delivered,
		Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(now.Add(-48 * time.Hour)), StatusCode: 200}}); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.OutboxPending(ctx); n != 1 {
		t.Errorf("after a delivery: %d pending, want 1", n)
	}
	if n, err := s.PruneDeliveredCallbacks(ctx, now.Add(-24*time.Hour)); err != nil || n != 1 {
		t.Errorf("pruned %d callbacks, %v; want the delivered one", n, err)
	}
	if _, err := s.CallbackDelivery(ctx, jobs[0].ID); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("pruned delivery still there: %v", err)
	}
	if _, err := s.CallbackDelivery(ctx, jobs[1].ID); err != nil {
		t.Errorf("pending delivery pruned: %v", err)
	}
}
