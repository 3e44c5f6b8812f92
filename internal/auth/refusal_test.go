package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// refusals records the kinds a RefusalHook is told.
type refusals struct {
	mu    sync.Mutex
	kinds map[string]int
}

func (r *refusals) hook(kind string) { r.mu.Lock(); r.kinds[kind]++; r.mu.Unlock() }

func TestRefusalHookKinds(t *testing.T) {
	ctx := context.Background()
	t.Run("staff login limits", func(t *testing.T) {
		s, _, _ := newStaff(t)
		rec := &refusals{kinds: map[string]int{}}
		s.Refused = rec.hook
		for range auth.LoginPairFailures {
			s.Login(ctx, "admin@example.com", "wrong", "10.0.1.1")
		}
		if _, err := s.Login(ctx, "admin@example.com", goodPassword, "10.0.1.1"); !isLoginLimit(err) {
			t.Fatalf("got %v, want a limit", err)
		}
		for i := range auth.LoginAddrFailures {
			s.Login(ctx, fmt.Sprintf("g%d@example.com", i), "wrong", "10.9.9.9")
		}
		if _, err := s.Login(ctx, "someone@example.com", "x", "10.9.9.9"); !isLoginLimit(err) {
			t.Fatalf("got %v, want a limit", err)
		}
		if rec.kinds[auth.RefusedLoginEmail] != 1 || rec.kinds[auth.RefusedLoginAddr] != 1 || len(rec.kinds) != 2 {
			t.Errorf("hook told %v, want one login_email and one login_addr", rec.kinds)
		}
	})
	t.Run("verification limits", func(t *testing.T) {
		_, db, now := newStaff(t)
		acct, _ := db.Account(ctx, 1001)
		in := &status.Ingest{Store: db, Now: func() time.Time { return *now }}
		if _, _, err := in.Save(ctx, acct, []byte(`{"order_number":"R-1","recipient_email":"a@example.com"}`), false); err != nil {
			t.Fatal(err)
		}
		rec := &refusals{kinds: map[string]int{}}
		r := &auth.Service{Store: db, Limits: db, Now: func() time.Time { return *now }, Refused: rec.hook}
		resolve := func(number, addr string) error {
			req, err := status.ParseInfoRequest(url.Values{"account": {"1001"}, "order_number": {number}, "recipient_postal_code": {"X1"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Resolve(ctx, req, auth.Caller{ClientAddr: addr})
			return err
		}
		for range auth.OrderAddrAttempts {
			resolve("R-1", "192.0.2.1")
		}
		if err := resolve("R-1", "192.0.2.1"); !isRateLimit(err) {
			t.Fatalf("order and address limit: got %v", err)
		}
		for i := range auth.OrderDayAttempts - auth.OrderAddrAttempts {
			resolve("R-1", fmt.Sprintf("192.0.3.%d", i))
		}
		if err := resolve("R-1", "192.0.2.99"); !isRateLimit(err) {
			t.Fatalf("daily order limit: got %v", err)
		}
		for i := range auth.AddrAttempts {
			resolve(fmt.Sprintf("NOPE-%d", i), "198.51.100.1")
		}
		if err := resolve("NOPE-X", "198.51.100.1"); !isRateLimit(err) {
			t.Fatalf("address limit: got %v", err)
		}
		if rec.kinds[auth.RefusedVerifyOrder] != 1 || rec.kinds[auth.RefusedVerifyOrderDay] != 1 || rec.kinds[auth.RefusedVerifyAddr] != 1 || len(rec.kinds) != 3 {
			t.Errorf("hook told %v, want one each of verify_order, verify_order_day and verify_addr", rec.kinds)
		}
	})
}

func isLoginLimit(err error) bool {
	var lim *auth.LoginLimitError
	return errors.As(err, &lim)
}

func isRateLimit(err error) bool {
	var lim *auth.RateLimitError
	return errors.As(err, &lim)
}
