package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, id := range []int64{1001, 1002} {
		a := status.Account{ID: id, Name: fmt.Sprint("Shop ", id), SigningKey: "k", CallbackSecret: "c", PublicView: "status"}
		if err := db.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestStaffUsers(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	u, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: " Agent@Example.com ", Role: auth.RoleAgent, Accounts: []int64{1002}, PasswordHash: []byte("h1")})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "agent@example.com" {
		t.Fatalf("created %+v", u)
	}
	t.Run("duplicate email is a conflict", func(t *testing.T) {
		_, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: "AGENT@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("h")})
		if !errors.Is(err, status.ErrConflict) {
			t.Fatalf("got %v, want ErrConflict", err)
		}
	})
	t.Run("unknown account is refused and nothing is stored", func(t *testing.T) {
		_, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: "x@example.com", Role: auth.RoleAgent, Accounts: []int64{9}, PasswordHash: []byte("h")})
		var verr *status.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("got %v, want a validation error", err)
		}
		if _, err := db.StaffUserByEmail(ctx, "x@example.com"); !errors.Is(err, status.ErrNotFound) {
			t.Fatalf("user stored after a failed create: %v", err)
		}
	})
	t.Run("lookup by email ignores case", func(t *testing.T) {
		got, err := db.StaffUserByEmail(ctx, "AGENT@EXAMPLE.COM")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Role != auth.RoleAgent || !slices.Equal(got.Accounts, []int64{1002}) || string(got.PasswordHash) != "h1" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("password change and disable end sessions", func(t *testing.T) {
		if err := db.SetStaffPassword(ctx, "agent@example.com", []byte("h2")); err != nil {
			t.Fatal(err)
		}
		got, _ := db.StaffUser(ctx, u.ID)
		if string(got.PasswordHash) != "h2" || got.SessionEpoch != u.SessionEpoch+1 {
			t.Fatalf("after passwd: %+v", got)
		}
		if err := db.DisableStaffUser(ctx, "agent@example.com"); err != nil {
			t.Fatal(err)
		}
		got, _ = db.StaffUser(ctx, u.ID)
		if !got.Disabled || got.SessionEpoch != u.SessionEpoch+2 {
			t.Fatalf("after disable: %+v", got)
		}
		if err := db.DisableStaffUser(ctx, "nobody@example.com"); !errors.Is(err, status.ErrNotFound) {
			t.Fatalf("disable unknown: %v", err)
		}
	})
}

func TestReserveLogin(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	lookback := t0.Add(-24 * time.Hour)
	var seen []auth.LoginCounts
	record := func(c auth.LoginCounts) time.Duration { seen = append(seen, c); return 0 }
	for i, addr := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.2"} {
		if _, retry, _, err := db.ReserveLogin(ctx, "a@example.com", addr, t0.Add(time.Duration(i)*time.Minute), lookback, record); err != nil || retry != 0 {
			t.Fatalf("reserve %d: %v %v", i, retry, err)
		}
	}
	id, _, c, err := db.ReserveLogin(ctx, "a@example.com", "10.0.0.1", t0.Add(5*time.Minute), lookback, record)
	if err != nil || c.Pair != 2 || c.Addr != 2 || !c.PairLatest.Equal(t0.Add(time.Minute)) {
		t.Fatalf("counts %+v, %v; want pair 2, addr 2, latest t0+1m", c, err)
	}
	_, retry, _, err := db.ReserveLogin(ctx, "b@example.com", "10.0.0.1", t0, lookback, func(auth.LoginCounts) time.Duration { return time.Minute })
	if err != nil || retry != time.Minute {
		t.Fatalf("refused reservation: %v %v", retry, err)
	}
	if n, _ := db.LoginAttempts(ctx, "b@example.com", ""); n != 0 {
		t.Fatalf("a refused attempt was recorded: %d", n)
	}
	if err := db.LoginSucceeded(ctx, id, "a@example.com", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.LoginAttempts(ctx, "a@example.com", ""); n != 1 {
		t.Fatalf("after success from 10.0.0.1: %d attempts left, want the one from 10.0.0.2", n)
	}
	// Attempts older than the lookback are swept away by the next reservation.
	if _, _, c, err := db.ReserveLogin(ctx, "a@example.com", "10.0.0.2", t0.Add(48*time.Hour), t0.Add(24*time.Hour), record); err != nil || c.Pair != 0 {
		t.Fatalf("old attempts counted: %+v %v", c, err)
	}
	if n, _ := db.LoginAttempts(ctx, "a@example.com", ""); n != 1 {
		t.Fatalf("old attempts kept: %d", n)
	}
}

func TestAuditEntries(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	entries := []auth.AuditEntry{
		{At: status.FormatTimestamp(t0), UserID: 1, UserEmail: "a@x", Action: auth.AuditSearch, Query: "emma@example.com", AccountID: 1001},
		{At: status.FormatTimestamp(t0.Add(time.Hour)), UserID: 1, UserEmail: "a@x", Action: auth.AuditView, OrderID: "o_1", AccountID: 1001},
		{At: status.FormatTimestamp(t0.Add(2 * time.Hour)), UserID: 2, UserEmail: "b@x", Action: auth.AuditView, OrderID: "o_2", AccountID: 1002},
		{At: status.FormatTimestamp(t0.Add(3 * time.Hour)), UserID: 2, UserEmail: "b@x", Action: auth.AuditSearch, Query: "A-1"},
	}
	for _, e := range entries {
		if err := db.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(es []auth.AuditEntry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.Action+":"+e.Query+e.OrderID)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		name  string
		f     auth.AuditFilter
		want  string
		total int
	}{
		{"all newest first", auth.AuditFilter{}, "search:A-1,view:o_2,view:o_1,search:emma@example.com", 4},
		{"by user", auth.AuditFilter{UserID: 1}, "view:o_1,search:emma@example.com", 2},
		{"by action", auth.AuditFilter{Action: auth.AuditView}, "view:o_2,view:o_1", 2},
		{"by account", auth.AuditFilter{Account: 1002}, "view:o_2", 1},
		{"by date range", auth.AuditFilter{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, "view:o_2,view:o_1", 2},
		{"paged", auth.AuditFilter{Limit: 1, Offset: 1}, "view:o_2", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := db.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if ids(got) != tc.want || total != tc.total {
				t.Fatalf("got %s (total %d), want %s (total %d)", ids(got), total, tc.want, tc.total)
			}
		})
	}
}

// saveOrder stores a minimal order through the ingest path.
func saveOrder(t testing.TB, db *DB, account int64, body string) *status.Order {
	t.Helper()
	a, err := db.Account(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	in := &status.Ingest{Store: db, Now: time.Now}
	o, _, err := in.Save(context.Background(), a, []byte(body), false)
	if err != nil {
		t.Fatalf("save %s: %v", body, err)
	}
	return o
}

func TestSearchOrders(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	o1 := saveOrder(t, db, 1001, `{"order_number":"A-1","recipient_email":"Emma@Example.com","customer_number":"C-1","order_date":"2026-01-10T10:00:00Z",
		"external_order_id":"501cce9d-3fdb-4258-9466-616fec7a75ef","external_reference":"SO-1",
		"trackings":[{"courier":"dpd-uk","tracking_number":"TT1GB","external_reference":"SHP-1"}]}`)
	o2 := saveOrder(t, db, 1001, `{"order_number":"A-2","recipient_email":"emma@example.com","customer_number":"C-1","order_date":"2026-01-12T10:00:00Z"}`)
	o3 := saveOrder(t, db, 1002, `{"order_number":"B-1","recipient_email":"emma@example.com","customer_number":"C-1","order_date":"2026-01-11T10:00:00Z"}`)
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := status.ParseSearch(tc.text)
			q.Accounts = tc.accounts
			got, total, err := db.SearchOrders(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Fatalf("got %v (total %d), want %v", got, total, tc.want)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		q := status.ParseSearch("emma@example.com")
		q.Accounts, q.Limit, q.Offset = both, 2, 2
		got, total, err := db.SearchOrders(ctx, q)
		if err != nil || total != 3 || !slices.Equal(got, []string{o1.ID}) {
			t.Fatalf("page 2: %v total %d err %v", got, total, err)
		}
	})
}

// TestSearchUsesIndexes proves that no branch of a search scans a table.
func TestSearchUsesIndexes(t *testing.T) {
	db := openTest(t)
	for text, index := range map[string]string{"emma@example.com": "orders_by_email", "C-1": "orders_by_customer",
		"501cce9d-3fdb-4258-9466-616fec7a75ef": "orders_by_external_id"} {
		q := status.ParseSearch(text)
		q.Accounts = []int64{1001, 1002}
		plan, err := db.explainSearch(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, index) {
			t.Errorf("search %q does not use %s:\n%s", text, index, plan)
		}
		for _, line := range strings.Split(plan, "\n") {
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING") {
				t.Errorf("search %q scans a table: %q\nplan:\n%s", text, line, plan)
			}
		}
	}
}
