package housekeeping_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/housekeeping"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

func TestPrune(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "prune.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := db.CreateAccount(ctx, status.Account{ID: 1001, Name: "A", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: "a@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(q, err)
		}
	}
	rfc := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339Nano) }
	ts := func(d time.Duration) string { return status.FormatTimestamp(now.Add(d)) }
	exec(`INSERT INTO rate_limits (key, window_start, failures) VALUES ('old', ?, 3), ('fresh', ?, 1)`, rfc(-25*time.Hour), rfc(-time.Hour))
	for i, c := range []struct {
		state     string
		delivered any
	}{{"delivered", ts(-31 * 24 * time.Hour)}, {"delivered", ts(-29 * 24 * time.Hour)}, {"pending", nil}, {"failed", nil}} {
		id := "cb_" + string(rune('a'+i))
		exec(`INSERT INTO callbacks (id, account_id, order_id, event, url, payload, state, created_at, expires_at, next_attempt_at, delivered_at)
			VALUES (?, 1001, 'o_1', 'order.accepted', 'https://x.example', '{}', ?, ?, ?, ?, ?)`, id, c.state, ts(-40*24*time.Hour), ts(-39*24*time.Hour), ts(-40*24*time.Hour), c.delivered)
		exec(`INSERT INTO callback_attempts (delivery_id, attempt, started_at, duration_ms) VALUES (?, 1, ?, 5)`, id, ts(-40*24*time.Hour))
	}
	for _, s := range []struct{ created, seen time.Duration }{{-13 * time.Hour, -time.Minute}, {-9 * time.Hour, -9 * time.Hour}, {-time.Hour, -time.Minute}} {
		ss, _ := auth.NewStaffSession(u.ID, now.Add(s.created), "10.0.0.1", "")
		ss.LastSeenAt = now.Add(s.seen)
		if err := db.CreateStaffSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO login_attempts (email, client_addr, at) VALUES ('a', '1', ?), ('a', '1', ?)`, rfc(-25*time.Hour), rfc(-time.Minute))

	var counters housekeeping.Counters
	job := &housekeeping.Job{Store: db, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Counters: &counters}
	r, err := job.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (housekeeping.Result{RateLimits: 1, Callbacks: 1, StaffSessions: 2, LoginAttempts: 1}); r != want {
		t.Fatalf("result %+v, want %+v", r, want)
	}
	count := func(q string) int {
		var n int
		if err := db.SQL().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM rate_limits WHERE key = 'fresh'`: 1,
		`SELECT count(*) FROM rate_limits`:                     1,
		`SELECT count(*) FROM callbacks`:                       3,
		`SELECT count(*) FROM callbacks WHERE id = 'cb_a'`:     0,
		`SELECT count(*) FROM callback_attempts`:               3,
		`SELECT count(*) FROM staff_sessions`:                  1,
		`SELECT count(*) FROM login_attempts`:                  1,
	} {
		if got := count(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	if r, err := job.RunOnce(ctx); err != nil || r != (housekeeping.Result{}) {
		t.Fatalf("second run: %+v %v, want nothing pruned", r, err)
	}
	if counters.Runs.Load() != 2 || counters.Callbacks.Load() != 1 || counters.StaffSessions.Load() != 2 || counters.RateLimits.Load() != 1 || counters.LoginAttempts.Load() != 1 {
		t.Fatalf("counters runs=%d callbacks=%d sessions=%d", counters.Runs.Load(), counters.Callbacks.Load(), counters.StaffSessions.Load())
	}
}
