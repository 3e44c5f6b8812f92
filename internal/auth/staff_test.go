package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

const goodPassword = "correct horse battery"

func newStaff(t *testing.T) (*auth.Staff, *sqlite.DB, *time.Time) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "staff.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(context.Background(), status.Account{ID: 1001, Name: "A", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	// The cheapest bcrypt cost keeps the tests fast (under -race a default-cost comparison
	// takes about a second); Login compares at the cost stored in the hash.
	hash, err := bcrypt.GenerateFromPassword([]byte(goodPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.StaffUser{
		{Email: "admin@example.com", Role: auth.RoleAdmin, PasswordHash: hash},
		{Email: "gone@example.com", Role: auth.RoleAgent, Accounts: []int64{1001}, PasswordHash: hash, Disabled: true},
	} {
		if _, err := db.CreateStaffUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	return &auth.Staff{Store: db, Now: func() time.Time { return now }}, db, &now
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStaff(t)
	u, err := s.Login(ctx, " Admin@Example.COM ", goodPassword, "10.0.0.1")
	if err != nil || u.Email != "admin@example.com" || !u.IsAdmin() {
		t.Fatalf("good login: %+v, %v", u, err)
	}
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", "admin@example.com", "not the password"},
		{"unknown email", "nobody@example.com", goodPassword},
		{"disabled user", "gone@example.com", goodPassword},
	} {
		t.Run(tc.name+" gets the same answer", func(t *testing.T) {
			_, err := s.Login(ctx, tc.email, tc.password, "10.0.0.2")
			if !errors.Is(err, auth.ErrBadLogin) {
				t.Fatalf("got %v, want ErrBadLogin", err)
			}
		})
	}
}

func TestLoginThrottle(t *testing.T) {
	ctx := context.Background()
	t.Run("growing delays per email and address", func(t *testing.T) {
		s, _, now := newStaff(t)
		for i := range auth.LoginPairFailures {
			*now = now.Add(time.Second)
			if _, err := s.Login(ctx, "admin@example.com", "wrong", "10.0.1.1"); !errors.Is(err, auth.ErrBadLogin) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
			_, err := s.Login(ctx, "ADMIN@example.com", goodPassword, "10.0.1.1")
			var lim *auth.LoginLimitError
			if !errors.As(err, &lim) || lim.RetryAfter != want {
				t.Fatalf("got %v, want a limit error with retry %s", err, want)
			}
			*now = now.Add(want)
			if _, err := s.Login(ctx, "admin@example.com", "wrong", "10.0.1.1"); !errors.Is(err, auth.ErrBadLogin) {
				t.Fatalf("after %s: %v, want the password checked", want, err)
			}
		}
	})
	t.Run("a lockout does not lock the user out elsewhere", func(t *testing.T) {
		s, _, _ := newStaff(t)
		for range auth.LoginPairFailures + 3 {
			s.Login(ctx, "admin@example.com", "wrong", "10.6.6.6")
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.6.6.6"); err == nil {
			t.Fatal("the locked address got in")
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.0.0.7"); err != nil {
			t.Fatalf("right password from a second address: %v", err)
		}
	})
	t.Run("success clears the failures of that address", func(t *testing.T) {
		s, db, _ := newStaff(t)
		for range auth.LoginPairFailures - 1 {
			s.Login(ctx, "admin@example.com", "wrong", "10.0.0.1")
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.LoginAttempts(ctx, "admin@example.com", ""); n != 0 {
			t.Fatalf("failures left: %d", n)
		}
	})
	t.Run("per client address", func(t *testing.T) {
		s, db, now := newStaff(t)
		// Failures for other emails, recorded as Login records them (an unknown email costs a
		// default-cost bcrypt comparison, too slow to repeat here under -race).
		for i := range auth.LoginAddrFailures - 1 {
			*now = now.Add(time.Second)
			if _, _, _, err := db.ReserveLogin(ctx, fmt.Sprintf("guess%d@example.com", i), "10.9.9.9", *now, now.Add(-auth.LoginLookback),
				func(auth.LoginCounts) time.Duration { return 0 }); err != nil {
				t.Fatal(err)
			}
		}
		*now = now.Add(time.Second)
		if _, err := s.Login(ctx, "nobody@example.com", "x", "10.9.9.9"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("attempt %d: %v", auth.LoginAddrFailures, err)
		}
		_, err := s.Login(ctx, "admin@example.com", goodPassword, "10.9.9.9")
		var lim *auth.LoginLimitError
		if !errors.As(err, &lim) || lim.RetryAfter != time.Minute {
			t.Fatalf("got %v, want a limit error with retry 1m", err)
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.9.9.10"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
	t.Run("lockouts are audited", func(t *testing.T) {
		s, db, _ := newStaff(t)
		for range auth.LoginPairFailures {
			s.Login(ctx, "admin@example.com", "wrong", "10.1.2.3")
		}
		entries, _, err := db.AuditEntries(ctx, auth.AuditFilter{Action: auth.AuditLockout})
		if err != nil || len(entries) != 1 || entries[0].UserEmail != "admin@example.com" || !strings.Contains(entries[0].Query, "10.1.2.3") {
			t.Fatalf("lockout entries %+v, %v; want one for admin@example.com from 10.1.2.3", entries, err)
		}
	})
}

// TestLoginBurst sends many concurrent wrong passwords from one address: at most the free
// number of them may be checked, and afterwards the right password waits too.
func TestLoginBurst(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newStaff(t)
	const n = 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Login(ctx, "admin@example.com", fmt.Sprintf("wrong password %d", i), "10.7.7.7")
			var lim *auth.LoginLimitError
			kind := "other"
			switch {
			case err == nil:
				kind = "ok"
			case errors.Is(err, auth.ErrBadLogin):
				kind = "checked"
			case errors.As(err, &lim):
				kind = "limited"
			}
			mu.Lock()
			results[kind]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if results["checked"] != auth.LoginPairFailures || results["limited"] != n-auth.LoginPairFailures {
		t.Fatalf("results %v: want %d passwords checked and the other %d limited", results, auth.LoginPairFailures, n-auth.LoginPairFailures)
	}
	var lim *auth.LoginLimitError
	if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.7.7.7"); !errors.As(err, &lim) {
		t.Fatalf("right password after the burst: %v, want a limit error", err)
	}
	if got, _ := db.LoginAttempts(ctx, "admin@example.com", "10.7.7.7"); got > auth.LoginPairFailures {
		t.Fatalf("%d attempts recorded", got)
	}
}

func TestHashPassword(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{{"elevenchars", false}, {"twelve chars", true}, {"zwölf zeiche", true}, {string(make([]byte, 73)), false}} {
		_, err := auth.HashPassword(tc.pw)
		if (err == nil) != tc.ok {
			t.Errorf("HashPassword(%q): %v, want ok=%v", tc.pw, err, tc.ok)
		}
	}
}

func TestCanSee(t *testing.T) {
	agent := auth.StaffUser{Role: auth.RoleAgent, Accounts: []int64{1001}}
	admin := auth.StaffUser{Role: auth.RoleAdmin}
	if !agent.CanSee(1001) || agent.CanSee(1002) || !admin.CanSee(1002) {
		t.Fatal("CanSee wrong")
	}
}
