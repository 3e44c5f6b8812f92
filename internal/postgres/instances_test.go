package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/status"
)

// instances opens n stores on one fresh schema, as n processes of one deployment would.
func instances(t *testing.T, n int) []*postgres.DB {
	t.Helper()
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	out := make([]*postgres.DB, n)
	for i := range out {
		db, err := postgres.Open(context.Background(), dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}

// Several workers in several instances deliver every event exactly once, also the events a
// crashed instance had claimed: those are delivered once its lease has run out.
func TestOutboxAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 3)
	var mu sync.Mutex
	received := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		received[r.Header.Get(callback.HeaderDelivery)]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	if err := dbs[0].CreateAccount(ctx, status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "whsec", CallbackURL: srv.URL}, nil); err != nil {
		t.Fatal(err)
	}
	const events = 200
	var wg sync.WaitGroup
	for i := range events {
		in := &status.Ingest{Store: dbs[i%len(dbs)], Now: time.Now}
		wg.Go(func() {
			b, _ := json.Marshal(map[string]any{"order_number": fmt.Sprint("OX-", i), "recipient_email": "e@example.com",
				"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": fmt.Sprint("TN-OX-", i)}}})
			if _, _, err := in.Save(ctx, status.Account{ID: 1001}, b, false); err != nil {
				t.Error(err)
			}
		})
		if i%16 == 15 {
			wg.Wait()
		}
	}
	wg.Wait()
	// An instance claims a batch and dies before it sends anything.
	crashed, err := dbs[2].ClaimCallbacks(ctx, time.Now(), time.Second, 20)
	if err != nil || len(crashed) != 20 {
		t.Fatalf("crashed instance claimed %d, %v", len(crashed), err)
	}
	wctx, cancel := context.WithCancel(ctx)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var workers sync.WaitGroup
	for i := range 4 {
		w := callback.NewWorker(dbs[i%2], callback.Config{AllowPrivate: true, Poll: 20 * time.Millisecond, Timeout: 5 * time.Second, Batch: 8, Concurrency: 4}, logger)
		workers.Go(func() { w.Run(wctx) })
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n == events || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	workers.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(received) != events {
		t.Fatalf("%d distinct events received, want %d", len(received), events)
	}
	for id, n := range received {
		if n != 1 {
			t.Errorf("event %s received %d times", id, n)
		}
	}
	for _, j := range crashed {
		d, err := dbs[1].CallbackDelivery(ctx, j.ID)
		if err != nil || d.State != callback.Delivered {
			t.Errorf("event of the crashed instance: %+v, %v; want delivered", d, err)
		}
	}
}

// Wrong proofs spread over instances count together: 100 parallel attempts through three
// instances take at most the limit.
func TestRateLimitsAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 3)
	now := time.Now()
	limits := []auth.Limit{{Key: "order-addr:o_1|10.0.0.1", Max: auth.OrderAddrAttempts, Window: auth.OrderAddrWindow},
		{Key: "order-day:o_1", Max: auth.OrderDayAttempts, Window: auth.OrderDayWindow}}
	var mu sync.Mutex
	taken := 0
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			wait, _, err := dbs[i%3].TakeAttempts(ctx, limits, now)
			if err != nil {
				t.Error(err)
			}
			if wait == 0 && err == nil {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if taken != auth.OrderAddrAttempts {
		t.Errorf("%d attempts taken across instances, want %d", taken, auth.OrderAddrAttempts)
	}
}

// A write through one instance is what the next read through another returns.
func TestWriteVisibleAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	if err := dbs[0].CreateAccount(ctx, status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	a := &status.Ingest{Store: dbs[0], Now: time.Now}
	b := &status.Ingest{Store: dbs[1], Now: time.Now}
	body := func(code string, day int) []byte {
		out, _ := json.Marshal(map[string]any{"order_number": "V-1", "recipient_email": "e@example.com",
			"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "TN-V1",
				"checkpoints": []any{map[string]any{"status_code": code, "event_timestamp": fmt.Sprintf("2026-03-%02dT08:00:00Z", day)}}}}})
		return out
	}
	for i, c := range []struct {
		via  *status.Ingest
		read *postgres.DB
		code string
	}{{a, dbs[1], "InTransit"}, {b, dbs[0], "OutForDelivery"}, {a, dbs[1], "Delivered"}} {
		saved, _, err := c.via.Save(ctx, status.Account{ID: 1001}, body(c.code, i+1), false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.read.Order(ctx, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != saved.Version || got.Trackings[0].Checkpoints[0].StatusCode != c.code {
			t.Errorf("write %d read through the other instance: version %d, latest %s; want %d, %s",
				i+1, got.Version, got.Trackings[0].Checkpoints[0].StatusCode, saved.Version, c.code)
		}
	}
}

// An instance hears of every order write and account change committed through another, and
// of none that rolled back.
func TestListenAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	if err := dbs[0].CreateAccount(ctx, status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	changes := make(chan postgres.Change, 100)
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- dbs[1].Listen(lctx, func(c postgres.Change) { changes <- c }) }()
	next := func() postgres.Change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("no change heard")
			return postgres.Change{}
		}
	}
	if c := next(); !c.All {
		t.Fatalf("first change %+v, want Change{All: true} after connecting", c)
	}
	in := &status.Ingest{Store: dbs[0], Now: time.Now}
	body := func(tn string) []byte {
		b, _ := json.Marshal(map[string]any{"order_number": "L-1", "recipient_email": "e@example.com",
			"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": tn}}})
		return b
	}
	o, _, err := in.Save(ctx, status.Account{ID: 1001}, body("TN-L1"), false)
	if err != nil {
		t.Fatal(err)
	}
	if c := next(); c.OrderID != o.ID || c.Version != 1 {
		t.Errorf("heard %+v, want order %s version 1", c, o.ID)
	}
	// A write that fails (its tracking belongs to another order) is not announced.
	if _, _, err := in.Save(ctx, status.Account{ID: 1001}, []byte(`{"order_number":"L-2","recipient_email":"e@example.com","trackings":[{"courier":"dhl","tracking_number":"TN-L1"}]}`), false); err == nil {
		t.Fatal("conflicting write succeeded")
	}
	if _, _, err := in.Save(ctx, status.Account{ID: 1001}, body("TN-L1"), false); err != nil {
		t.Fatal(err)
	}
	if c := next(); c.OrderID != o.ID || c.Version != 2 {
		t.Errorf("heard %+v, want order %s version 2 (and nothing of the failed write)", c, o.ID)
	}
	a, _ := dbs[0].Account(ctx, 1001)
	a.LogoURL = "https://shop.example/logo.png"
	if err := dbs[0].UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if c := next(); c.Account != 1001 || c.OrderID != "" {
		t.Errorf("heard %+v, want account 1001", c)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Listen returned %v, want context.Canceled", err)
	}
}

// Console sessions and API tokens live in the database: a logout, a password change or a
// token revoked through one instance is refused by the others at once.
func TestSessionsAndTokensAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	a, b := dbs[0], dbs[1]
	if err := a.CreateAccount(ctx, status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateStaffUser(ctx, auth.StaffUser{Email: "a@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("h")})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s1, _ := auth.NewStaffSession(u.ID, now, "10.0.0.1", "")
	s2, _ := auth.NewStaffSession(u.ID, now, "10.0.0.1", "")
	for _, ss := range []auth.StaffSession{s1, s2} {
		if err := a.CreateStaffSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.StaffSession(ctx, s1.Hash); err != nil {
		t.Fatalf("session made on A, read on B: %v", err)
	}
	if err := b.DeleteStaffSession(ctx, s1.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StaffSession(ctx, s1.Hash); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("logout on B, session on A: %v, want ErrNotFound", err)
	}
	if err := b.SetStaffPassword(ctx, "a@example.com", []byte("h2")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StaffSession(ctx, s2.Hash); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("password changed on B, session on A: %v, want ErrNotFound", err)
	}
	hash := []byte("0123456789abcdef0123456789abcdef")
	if err := a.AddToken(ctx, 1001, hash); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AccountByToken(ctx, hash); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeToken(ctx, 1001, auth.TokenID(hash)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AccountByToken(ctx, hash); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("token revoked on B, used on A: %v, want ErrNotFound", err)
	}
}

// Login reservations from one address through three instances at once count together: no
// more go ahead than the free number.
func TestLoginReservationsAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 3)
	now := time.Now()
	var mu sync.Mutex
	ahead := 0
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			_, retry, _, err := dbs[i%3].ReserveLogin(ctx, "a@example.com", "10.0.0.7", now, now.Add(-auth.LoginLookback),
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
	if ahead != auth.LoginPairFailures {
		t.Errorf("%d of 30 reservations through three instances went ahead, want %d", ahead, auth.LoginPairFailures)
	}
}
