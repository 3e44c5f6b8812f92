package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

func testStaffUsers(t *testing.T, open Open) {
	ctx := context.Background()
	s, _ := setup(t, open)
	u, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: " Agent@Example.com ", Role: auth.RoleAgent, Accounts: []int64{1002, 1001}, PasswordHash: []byte("h1")})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "agent@example.com" || u.SessionEpoch == 0 || u.CreatedAt == "" {
		t.Fatalf("created %+v", u)
	}
	admin, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: "boss@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("h")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: "AGENT@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("h")}); !errors.Is(err, status.ErrConflict) {
		t.Errorf("duplicate email: %v, want ErrConflict", err)
	}
	_, err = s.CreateStaffUser(ctx, auth.StaffUser{Email: "x@example.com", Role: auth.RoleAgent, Accounts: []int64{9}, PasswordHash: []byte("h")})
	var verr *status.ValidationError
	if !errors.As(err, &verr) {
		t.Errorf("unknown account: %v, want a validation error", err)
	}
	if _, err := s.StaffUserByEmail(ctx, "x@example.com"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("user stored after a failed create: %v", err)
	}
	got, err := s.StaffUserByEmail(ctx, "AGENT@EXAMPLE.COM")
	if err != nil || got.ID != u.ID || got.Role != auth.RoleAgent || !slices.Equal(got.Accounts, []int64{1001, 1002}) || string(got.PasswordHash) != "h1" || got.Disabled {
		t.Errorf("by email: %+v, %v", got, err)
	}
	if got, err := s.StaffUser(ctx, admin.ID); err != nil || !got.IsAdmin() || len(got.Accounts) != 0 {
		t.Errorf("admin by id: %+v, %v", got, err)
	}
	if _, err := s.StaffUser(ctx, 999); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	if err := s.SetStaffPassword(ctx, "agent@example.com", []byte("h2")); err != nil {
		t.Fatal(err)
	}
	got, _ = s.StaffUser(ctx, u.ID)
	if string(got.PasswordHash) != "h2" || got.SessionEpoch != u.SessionEpoch+1 {
		t.Errorf("after password change: %+v, want the new hash and the next epoch", got)
	}
	if err := s.DisableStaffUser(ctx, "Agent@example.com"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.StaffUser(ctx, u.ID)
	if !got.Disabled || got.SessionEpoch != u.SessionEpoch+2 {
		t.Errorf("after disable: %+v", got)
	}
	if err := s.DisableStaffUser(ctx, "nobody@example.com"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
	if err := s.SetStaffPassword(ctx, "nobody@example.com", []byte("h")); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("password of unknown: %v", err)
	}
	all, err := s.StaffUsers(ctx)
	if err != nil || len(all) != 2 || all[0].Email != "agent@example.com" || !all[0].Disabled || all[1].Email != "boss@example.com" {
		t.Errorf("staff users: %+v, %v", all, err)
	}
	if n, err := s.CountStaffUsers(ctx); err != nil || n != 2 {
		t.Errorf("count: %d, %v", n, err)
	}
}

func testLoginFailures(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	never := func(auth.LoginCounts) time.Duration { return 0 }
	var ids []int64
	for i := range 3 {
		at := t0.Add(time.Duration(i) * time.Minute)
		id, retry, c, err := s.ReserveLogin(ctx, "a@example.com", "10.0.0.1", at, at.Add(-auth.LoginLookback), never)
		if err != nil || retry != 0 || id == 0 || c.Pair != i || c.Addr != i {
			t.Fatalf("reservation %d: id %d retry %s counts %+v, %v; want counts of %d", i+1, id, retry, c, err, i)
		}
		ids = append(ids, id)
	}
	// Counts and latest times, of the pair and of the address for any email.
	at := t0.Add(3 * time.Minute)
	var seen auth.LoginCounts
	_, retry, _, err := s.ReserveLogin(ctx, "b@example.com", "10.0.0.1", at, at.Add(-auth.LoginLookback),
		func(c auth.LoginCounts) time.Duration { seen = c; return 7 * time.Second })
	if err != nil || retry != 7*time.Second {
		t.Fatalf("refused reservation: retry %s, %v", retry, err)
	}
	if seen.Pair != 0 || seen.Addr != 3 || !seen.AddrLatest.Equal(t0.Add(2*time.Minute)) || !seen.PairLatest.IsZero() {
		t.Fatalf("counts %+v, want pair 0, addr 3 latest t0+2m", seen)
	}
	if n, _ := s.LoginAttempts(ctx, "b@example.com", ""); n != 0 {
		t.Fatalf("a refused reservation was recorded: %d", n)
	}
	// Attempts before `since` are not counted.
	_, _, c, _ := s.ReserveLogin(ctx, "a@example.com", "10.0.0.1", at, t0.Add(30*time.Second), func(auth.LoginCounts) time.Duration { return time.Second })
	if c.Pair != 2 || !c.PairLatest.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("since t0+30s: %+v, want pair 2", c)
	}
	// A success removes its own reservation and the earlier ones of the pair, not later ones.
	if err := s.LoginSucceeded(ctx, ids[1], "a@example.com", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginAttempts(ctx, "a@example.com", "10.0.0.1"); n != 1 {
		t.Fatalf("after success: %d attempts, want the later one", n)
	}
	if n, _ := s.PruneLoginAttempts(ctx, t0.Add(time.Hour)); n != 1 {
		t.Fatalf("pruned %d, want 1", n)
	}
	// The login throttle of auth.Staff works on the store: wrong passwords lock the pair.
	// The lowest bcrypt cost: the throttle is under test here, not the hash.
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: "d@example.com", Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	staff := &auth.Staff{Store: s, Now: func() time.Time { return t0 }}
	for i := range auth.LoginPairFailures {
		if _, err := staff.Login(ctx, "d@example.com", "wrong password!", "10.0.0.3"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	var lim *auth.LoginLimitError
	if _, err := staff.Login(ctx, "d@example.com", "correct horse battery", "10.0.0.3"); !errors.As(err, &lim) {
		t.Fatalf("after %d failures: %v, want a login limit", auth.LoginPairFailures, err)
	}
	staff.Now = func() time.Time { return t0.Add(auth.LoginBaseDelay + time.Second) }
	if u, err := staff.Login(ctx, "D@example.com", "correct horse battery", "10.0.0.3"); err != nil || u.Email != "d@example.com" {
		t.Fatalf("after the delay: %+v, %v", u, err)
	}
	if n, _ := s.LoginAttempts(ctx, "d@example.com", "10.0.0.3"); n != 0 {
		t.Fatalf("after a good login: %d attempts kept, want none", n)
	}
}

// Parallel reservations from one address each see every earlier one: of many at once, only
// the free number go ahead, on any number of connections.
func testReserveLoginConcurrent(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	const callers = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	ahead := 0
	for i := range callers {
		wg.Go(func() {
			_, retry, _, err := s.ReserveLogin(ctx, fmt.Sprintf("u%d@example.com", i%3), "10.0.9.9", now, now.Add(-auth.LoginLookback),
				func(c auth.LoginCounts) time.Duration { return auth.LoginWait(c, now) })
			if err != nil {
				t.Error(err)
				return
			}
			if retry == 0 {
				mu.Lock()
				ahead++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Three emails: each pair has LoginPairFailures free, the address LoginAddrFailures.
	want := min(3*auth.LoginPairFailures, auth.LoginAddrFailures)
	if ahead != want {
		t.Errorf("%d of %d parallel reservations went ahead, want %d", ahead, callers, want)
	}
	n := 0
	for i := range 3 {
		k, err := s.LoginAttempts(ctx, fmt.Sprintf("u%d@example.com", i), "10.0.9.9")
		if err != nil {
			t.Fatal(err)
		}
		n += k
	}
	if n != want {
		t.Errorf("%d attempts recorded, want %d", n, want)
	}
}

// Staff sessions are kept by hash, touched, listed, and end on logout, a password change,
// disabling the user, revocation and pruning.
func testStaffSessions(t *testing.T, open Open) {
	ctx := context.Background()
	s, _ := setup(t, open)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC).Round(time.Millisecond)
	newUser := func(email string) auth.StaffUser {
		u, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: email, Role: auth.RoleAdmin, PasswordHash: []byte("h")})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	newSession := func(u auth.StaffUser, at time.Time) auth.StaffSession {
		ss, _ := auth.NewStaffSession(u.ID, at, "10.0.0.1", "test agent")
		if err := s.CreateStaffSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
		return ss
	}
	gone := func(what string, ss auth.StaffSession) {
		t.Helper()
		if _, err := s.StaffSession(ctx, ss.Hash); !errors.Is(err, status.ErrNotFound) {
			t.Errorf("%s: session still there (%v)", what, err)
		}
	}
	a, b := newUser("a@example.com"), newUser("b@example.com")
	s1 := newSession(a, t0)
	got, err := s.StaffSession(ctx, s1.Hash)
	if err != nil || got.UserID != a.ID || !got.CreatedAt.Equal(t0) || got.ClientAddr != "10.0.0.1" || got.UserAgent != "test agent" {
		t.Fatalf("session: %+v, %v", got, err)
	}
	if err := s.TouchStaffSession(ctx, s1.Hash, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.StaffSession(ctx, s1.Hash); !got.LastSeenAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("touched: last seen %v", got.LastSeenAt)
	}
	s2 := newSession(a, t0.Add(time.Minute))
	if list, err := s.StaffSessions(ctx, a.ID); err != nil || len(list) != 2 || !slices.Equal(list[0].Hash, s2.Hash) {
		t.Errorf("sessions of a: %d, %v; want 2, newest first", len(list), err)
	}
	// Logout.
	if err := s.DeleteStaffSession(ctx, s1.Hash); err != nil {
		t.Fatal(err)
	}
	gone("logout", s1)
	if err := s.DeleteStaffSession(ctx, s1.Hash); err != nil {
		t.Errorf("second logout: %v", err)
	}
	// A password change ends the user's sessions, not another user's.
	sb := newSession(b, t0)
	if err := s.SetStaffPassword(ctx, "a@example.com", []byte("h2")); err != nil {
		t.Fatal(err)
	}
	gone("password change", s2)
	if _, err := s.StaffSession(ctx, sb.Hash); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	// Disabling.
	if err := s.DisableStaffUser(ctx, "b@example.com"); err != nil {
		t.Fatal(err)
	}
	gone("disable", sb)
	// Revocation of one user's, then of everyone's.
	s3, s4 := newSession(a, t0), newSession(a, t0)
	if n, err := s.RevokeStaffSessions(ctx, a.ID); err != nil || n != 2 {
		t.Errorf("revoke a: %d, %v; want 2", n, err)
	}
	gone("revoke", s3)
	gone("revoke", s4)
	newSession(a, t0)
	if n, err := s.RotateSessionKeys(ctx); err != nil || n != 1 {
		t.Errorf("rotate session keys: %d, %v; want 1 session ended", n, err)
	}
	// Pruning: idle past the timeout, or older than the lifetime.
	idle := newSession(a, t0)
	old := newSession(a, t0.Add(-auth.StaffSessionLifetime+time.Hour))
	s.TouchStaffSession(ctx, old.Hash, t0.Add(2*time.Hour))
	live := newSession(a, t0.Add(2*time.Hour))
	if n, err := s.PruneStaffSessions(ctx, t0.Add(auth.StaffIdleTimeout)); err != nil || n != 2 {
		t.Errorf("pruned %d, %v; want the idle and the old one", n, err)
	}
	gone("prune idle", idle)
	gone("prune old", old)
	if _, err := s.StaffSession(ctx, live.Hash); err != nil {
		t.Errorf("live session pruned: %v", err)
	}
}

func testAuditEntries(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, e := range []auth.AuditEntry{
		{At: status.FormatTimestamp(t0), UserID: 1, UserEmail: "a@x", Action: auth.AuditSearch, Query: "emma@example.com", AccountID: 1001},
		{At: status.FormatTimestamp(t0.Add(time.Hour)), UserID: 1, UserEmail: "a@x", Action: auth.AuditView, OrderID: "o_1", AccountID: 1001},
		{At: status.FormatTimestamp(t0.Add(2 * time.Hour)), UserID: 2, UserEmail: "b@x", Action: auth.AuditView, OrderID: "o_2", AccountID: 1002},
		{At: status.FormatTimestamp(t0.Add(3 * time.Hour)), UserID: 2, UserEmail: "b@x", Action: auth.AuditSearch, Query: "A-1"},
	} {
		if err := s.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	s.SetClock(func() time.Time { return t0.Add(4 * time.Hour) })
	if err := s.AddAudit(ctx, auth.AuditEntry{UserID: 2, UserEmail: "b@x", Action: auth.AuditLogout}); err != nil {
		t.Fatal(err)
	}
	names := func(es []auth.AuditEntry) string {
		var out []string
		for _, e := range es {
			out = append(out, e.Action+":"+e.Query+e.OrderID)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name  string
		f     auth.AuditFilter
		want  string
		total int
	}{
		{"all newest first", auth.AuditFilter{}, "logout:,search:A-1,view:o_2,view:o_1,search:emma@example.com", 5},
		{"by user", auth.AuditFilter{UserID: 1}, "view:o_1,search:emma@example.com", 2},
		{"by action", auth.AuditFilter{Action: auth.AuditView}, "view:o_2,view:o_1", 2},
		{"by account", auth.AuditFilter{Account: 1002}, "view:o_2", 1},
		{"by date range", auth.AuditFilter{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, "view:o_2,view:o_1", 2},
		{"several filters", auth.AuditFilter{UserID: 2, Action: auth.AuditSearch, From: t0}, "search:A-1", 1},
		{"paged", auth.AuditFilter{Limit: 1, Offset: 1}, "search:A-1", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if names(got) != tc.want || total != tc.total {
				t.Fatalf("got %s (total %d), want %s (total %d)", names(got), total, tc.want, tc.total)
			}
		})
	}
	got, _, _ := s.AuditEntries(ctx, auth.AuditFilter{Action: auth.AuditLogout})
	if len(got) != 1 || got[0].At != status.FormatTimestamp(t0.Add(4*time.Hour)) || got[0].AccountID != 0 {
		t.Errorf("entry without a time: %+v, want the store's clock", got)
	}
}

func testSearchOrders(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o1 := mustSave(t, in, 1001, map[string]any{"order_number": "A-1", "recipient_email": "Emma@Example.com", "customer_number": "C-1",
		"order_date": "2026-01-10T10:00:00Z", "external_order_id": "501cce9d-3fdb-4258-9466-616fec7a75ef", "external_reference": "SO-1",
		"trackings": []any{map[string]any{"courier": "dpd-uk", "tracking_number": "TT1GB", "external_reference": "SHP-1"}}})
	o2 := mustSave(t, in, 1001, map[string]any{"order_number": "A-2", "recipient_email": "emma@example.com", "customer_number": "C-1", "order_date": "2026-01-12T10:00:00Z"})
	o3 := mustSave(t, in, 1002, map[string]any{"order_number": "B-1", "recipient_email": "emma@example.com", "customer_number": "C-1", "order_date": "2026-01-11T10:00:00Z"})
	both := []int64{1001, 1002}
	for _, tc := range []struct {
		name     string
		text     string
		accounts []int64
		want     []string
	}{
		{"email, any case, newest first", "EMMA@example.COM", both, []string{o2.ID, o3.ID, o1.ID}},
		{"email in one account", "emma@example.com", []int64{1002}, []string{o3.ID}},
		{"customer number", "C-1", []int64{1001}, []string{o2.ID, o1.ID}},
		{"order number lower-cased", "a-1", both, []string{o1.ID}},
		{"tracking number", "tt1gb", both, []string{o1.ID}},
		{"tracking number of another account", "TT1GB", []int64{1002}, nil},
		{"order external reference", "SO-1", both, []string{o1.ID}},
		{"tracking external reference", "SHP-1", both, []string{o1.ID}},
		{"external order id", "501CCE9D-3FDB-4258-9466-616FEC7A75EF", both, []string{o1.ID}},
		{"no match", "nothing", both, nil},
		{"no accounts", "C-1", nil, nil},
		{"no text", "  ", both, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := status.ParseSearch(tc.text)
			q.Accounts = tc.accounts
			got, total, err := s.SearchOrders(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Fatalf("got %v (total %d), want %v", got, total, tc.want)
			}
		})
	}
	q := status.ParseSearch("emma@example.com")
	q.Accounts, q.Limit, q.Offset = both, 2, 2
	got, total, err := s.SearchOrders(ctx, q)
	if err != nil || total != 3 || !slices.Equal(got, []string{o1.ID}) {
		t.Errorf("page 2: %v total %d err %v", got, total, err)
	}
}
