package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
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
	t.Run("per email", func(t *testing.T) {
		s, _, now := newStaff(t)
		for i := range auth.LoginEmailFailures {
			*now = now.Add(time.Minute)
			if _, err := s.Login(ctx, "admin@example.com", "wrong", fmt.Sprintf("10.0.1.%d", i)); !errors.Is(err, auth.ErrBadLogin) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// The first failure was 4 minutes ago: the window ends 11 minutes from now, and the
		// right password does not help until then.
		_, err := s.Login(ctx, "ADMIN@example.com", goodPassword, "10.0.2.1")
		var lim *auth.LoginLimitError
		if !errors.As(err, &lim) || lim.RetryAfter != 11*time.Minute {
			t.Fatalf("got %v, want a limit error with retry 11m", err)
		}
		*now = now.Add(11 * time.Minute)
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.0.2.1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
	t.Run("success clears the email's failures", func(t *testing.T) {
		s, db, now := newStaff(t)
		for range auth.LoginEmailFailures - 1 {
			s.Login(ctx, "admin@example.com", "wrong", "10.0.0.1")
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := db.LoginFailures(ctx, "email", "admin@example.com", now.Add(-time.Hour)); n != 0 {
			t.Fatalf("failures left: %d", n)
		}
	})
	t.Run("per client address", func(t *testing.T) {
		s, db, now := newStaff(t)
		for i := range auth.LoginAddrFailures - 1 {
			if err := db.AddLoginFailure(ctx, fmt.Sprintf("guess%d@example.com", i), "10.9.9.9", now.Add(-30*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Login(ctx, "another@example.com", "x", "10.9.9.9"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("20th attempt: %v", err)
		}
		_, err := s.Login(ctx, "admin@example.com", goodPassword, "10.9.9.9")
		var lim *auth.LoginLimitError
		if !errors.As(err, &lim) || lim.RetryAfter != 30*time.Minute {
			t.Fatalf("got %v, want a limit error with retry 30m", err)
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.9.9.10"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
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
