package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
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
	for i := range 3 {
		if err := s.AddLoginFailure(ctx, "a@example.com", "10.0.0.1", t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	n, oldest, err := s.LoginFailures(ctx, "email", "a@example.com", t0.Add(30*time.Second))
	if err != nil || n != 2 || !oldest.Equal(t0.Add(time.Minute)) {
		t.Fatalf("by email since t0+30s: n=%d oldest=%v err=%v, want 2 at t0+1m", n, oldest, err)
	}
	if n, _, _ := s.LoginFailures(ctx, "addr", "10.0.0.1", t0.Add(-time.Hour)); n != 3 {
		t.Fatalf("by addr: %d, want 3", n)
	}
	if n, oldest, err := s.LoginFailures(ctx, "email", "z@example.com", t0.Add(-time.Hour)); err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("no failures: %d %v %v", n, oldest, err)
	}
	if _, _, err := s.LoginFailures(ctx, "shoe", "x", t0); err == nil {
		t.Error("unknown kind accepted")
	}
	if err := s.ClearLoginFailures(ctx, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.LoginFailures(ctx, "email", "a@example.com", t0.Add(-time.Hour)); n != 0 {
		t.Fatalf("after clear: %d", n)
	}
	// A failure a day later sweeps the old rows away.
	s.AddLoginFailure(ctx, "b@example.com", "10.0.0.2", t0.Add(-48*time.Hour))
	s.AddLoginFailure(ctx, "c@example.com", "10.0.0.2", t0)
	if n, _, _ := s.LoginFailures(ctx, "addr", "10.0.0.2", time.Time{}); n != 1 {
		t.Fatalf("old failures kept: %d", n)
	}
	// The login throttle of auth.Staff works on the store: five wrong passwords lock the email.
	// The lowest bcrypt cost: the throttle is under test here, not the hash.
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaffUser(ctx, auth.StaffUser{Email: "d@example.com", Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	staff := &auth.Staff{Store: s, Now: func() time.Time { return t0 }}
	for i := range auth.LoginEmailFailures {
		if _, err := staff.Login(ctx, "d@example.com", "wrong password!", "10.0.0.3"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	var lim *auth.LoginLimitError
	if _, err := staff.Login(ctx, "d@example.com", "correct horse battery", "10.0.0.3"); !errors.As(err, &lim) {
		t.Fatalf("after %d failures: %v, want a login limit", auth.LoginEmailFailures, err)
	}
	staff.Now = func() time.Time { return t0.Add(auth.LoginEmailWindow + time.Second) }
	if u, err := staff.Login(ctx, "D@example.com", "correct horse battery", "10.0.0.3"); err != nil || u.Email != "d@example.com" {
		t.Fatalf("after the window: %+v, %v", u, err)
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
