package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// walk pages through an account's orders in an ordering, page by page after the cursor of
// each page's last order, calling between after every page.
func walk(t *testing.T, s Store, account int64, ordering string, size int, between func()) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	var after *status.Cursor
	for range 1000 {
		page, err := s.ListOrders(ctx, account, status.PageRequest{Ordering: ordering, After: after, Limit: size})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page {
			out = append(out, o.ID)
		}
		if len(page) < size {
			return out
		}
		c, err := s.CursorOf(ctx, page[len(page)-1], ordering)
		if err != nil {
			t.Fatal(err)
		}
		after = &c
		if between != nil {
			between()
		}
	}
	t.Fatal("pagination does not end")
	return nil
}

func testPagination(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	// Order dates out of creation order, with ties, so that each ordering differs.
	dates := []string{"2026-01-03", "2026-01-01", "2026-01-02", "2026-01-01", "2026-01-05", "2026-01-04", "2026-01-02"}
	var byCreation []string
	for i, d := range dates {
		o := mustSave(t, in, 1001, map[string]any{"order_number": fmt.Sprint("P-", i), "order_date": d + "T10:00:00Z", "recipient_email": "a@example.com"})
		byCreation = append(byCreation, o.ID)
	}
	mustSave(t, in, 1002, map[string]any{"order_number": "P-other", "recipient_email": "a@example.com"})
	if got := walk(t, s, 1001, "created_at", 3, nil); !slices.Equal(got, byCreation) {
		t.Errorf("created_at: %v, want %v", got, byCreation)
	}
	desc := slices.Clone(byCreation)
	slices.Reverse(desc)
	if got := walk(t, s, 1001, "-created_at", 2, nil); !slices.Equal(got, desc) {
		t.Errorf("-created_at: %v, want %v", got, desc)
	}
	// order_date, ties by creation.
	want := []string{byCreation[1], byCreation[3], byCreation[2], byCreation[6], byCreation[0], byCreation[5], byCreation[4]}
	if got := walk(t, s, 1001, "order_date", 2, nil); !slices.Equal(got, want) {
		t.Errorf("order_date: %v, want %v", got, want)
	}
	// Before a cursor: the page that precedes it, in display order.
	c, err := s.CursorOf(ctx, &status.Order{ID: want[4]}, "order_date")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ListOrders(ctx, 1001, status.PageRequest{Ordering: "order_date", Before: &c, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].ID != want[2] || page[1].ID != want[3] {
		t.Errorf("page before %s: %v, want %v", want[4], ids(page), want[2:4])
	}
	if _, err := s.ListOrders(ctx, 1001, status.PageRequest{Ordering: "price", Limit: 2}); err == nil {
		t.Error("unknown ordering accepted")
	}
}

func ids(os []*status.Order) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

// Orders added while a client pages through the list neither repeat nor hide the orders
// that were there when it started.
func testPaginationWhileInserting(t *testing.T, open Open) {
	s, in := setup(t, open)
	var before []string
	for i := range 20 {
		before = append(before, mustSave(t, in, 1001, map[string]any{"order_number": fmt.Sprint("W-", i), "recipient_email": "a@example.com"}).ID)
	}
	n := 0
	for _, ordering := range []string{"created_at", "-created_at", "updated_at"} {
		got := walk(t, s, 1001, ordering, 3, func() {
			n++
			mustSave(t, in, 1001, map[string]any{"order_number": fmt.Sprint("W-new-", n), "recipient_email": "a@example.com"})
		})
		seen := map[string]int{}
		for _, id := range got {
			seen[id]++
		}
		for id, c := range seen {
			if c > 1 {
				t.Errorf("%s: order %s listed %d times", ordering, id, c)
			}
		}
		for _, id := range before {
			if seen[id] != 1 {
				t.Errorf("%s: order %s listed %d times, want once", ordering, id, seen[id])
			}
		}
	}
}

func testRateLimits(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	small := auth.Limit{Key: "order-addr:o_1|10.0.0.1", Max: 2, Window: 15 * time.Minute}
	big := auth.Limit{Key: "addr:10.0.0.1", Max: 10, Window: time.Hour}
	both := []auth.Limit{big, small}
	for i := range 2 {
		if wait, refused, err := s.TakeAttempts(ctx, both, t0.Add(time.Duration(i)*time.Minute)); err != nil || wait != 0 || refused != "" {
			t.Fatalf("attempt %d: wait %s, refused %q, %v", i+1, wait, refused, err)
		}
	}
	// The small budget is used up: nothing is taken, from the big one either, and the wait
	// runs to the end of the small window; the small one is named as the refusing key.
	wait, refused, err := s.TakeAttempts(ctx, both, t0.Add(5*time.Minute))
	if err != nil || wait != 10*time.Minute || refused != small.Key {
		t.Fatalf("third attempt: wait %s, refused %q, %v; want 10m by %s", wait, refused, err, small.Key)
	}
	for i := range 8 {
		if wait, _, _ := s.TakeAttempts(ctx, []auth.Limit{big}, t0.Add(6*time.Minute)); wait != 0 {
			t.Fatalf("big budget attempt %d refused: the refused attempt was counted", i+3)
		}
	}
	if wait, refused, _ := s.TakeAttempts(ctx, []auth.Limit{big}, t0.Add(6*time.Minute)); wait != 54*time.Minute || refused != big.Key {
		t.Fatalf("big budget after 10: wait %s refused %q, want 54m by %s", wait, refused, big.Key)
	}
	// A matching proof gives its attempt back.
	if err := s.ReturnAttempts(ctx, []auth.Limit{big}, t0.Add(7*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if wait, _, _ := s.TakeAttempts(ctx, []auth.Limit{big}, t0.Add(7*time.Minute)); wait != 0 {
		t.Fatalf("after a return: wait %s, want 0", wait)
	}
	// A new window starts empty.
	if wait, _, err := s.TakeAttempts(ctx, both, t0.Add(61*time.Minute)); err != nil || wait != 0 {
		t.Fatalf("next window: wait %s, %v", wait, err)
	}
	// Returning to a key without attempts is harmless.
	if err := s.ReturnAttempts(ctx, []auth.Limit{{Key: "addr:nobody", Max: 1, Window: time.Hour}}, t0); err != nil {
		t.Fatal(err)
	}
	if wait, _, _ := s.TakeAttempts(ctx, []auth.Limit{{Key: "addr:nobody", Max: 1, Window: time.Hour}}, t0); wait != 0 {
		t.Fatalf("key without attempts refused")
	}
}

// 100 parallel proofs against one order take at most the limit, however they interleave.
func testRateLimitAtomicity(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const callers = 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for i := range callers {
		wg.Go(func() {
			// Every caller shares the per-order budget; each has its own address budget, and
			// half list their keys in the other order.
			limits := []auth.Limit{
				{Key: "order-day:o_atomic", Max: auth.OrderDayAttempts, Window: auth.OrderDayWindow},
				{Key: fmt.Sprint("addr:10.0.", i%7), Max: 1000, Window: time.Hour},
			}
			if i%2 == 1 {
				slices.Reverse(limits)
			}
			wait, refused, err := s.TakeAttempts(ctx, limits, now)
			if err != nil {
				t.Error(err)
				return
			}
			if wait > 0 && refused != "order-day:o_atomic" {
				t.Errorf("refused by %q, want the shared order-day key", refused)
			}
			if wait == 0 {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if taken != auth.OrderDayAttempts {
		t.Errorf("%d of %d parallel attempts taken, want exactly the limit %d", taken, callers, auth.OrderDayAttempts)
	}
}

func testClaimRefresh(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Minute, false}, {4*time.Minute + 59*time.Second, false}, {5 * time.Minute, true}, {6 * time.Minute, false}} {
		got, err := s.ClaimRefresh(ctx, "t_1", now.Add(c.at), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("refresh at +%s: %v, want %v", c.at, got, c.want)
		}
	}
	// Of parallel claims for one tracking exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 20 {
		wg.Go(func() {
			ok, err := s.ClaimRefresh(ctx, "t_2", now, 5*time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d parallel refresh claims won, want 1", won)
	}
}

func testFeedback(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, v := range []struct{ tracking, topic, vote string }{
		{"t_1", "delivery", "down"}, {"t_1", "communication", "up"}, {"t_1", "delivery", "up"}, {"t_2", "delivery", "down"},
	} {
		if err := s.AddFeedback(ctx, "o_1", v.tracking, v.topic, v.vote, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddFeedback(ctx, "o_1", "t_1", "price", "up", t0); err == nil {
		t.Error("unknown topic accepted")
	}
	got, err := s.Votes(ctx, "o_1")
	if err != nil {
		t.Fatal(err)
	}
	want := []Vote{
		{"t_2", "delivery", "down", status.FormatTimestamp(t0.Add(3 * time.Minute))},
		{"t_1", "delivery", "up", status.FormatTimestamp(t0.Add(2 * time.Minute))},
		{"t_1", "communication", "up", status.FormatTimestamp(t0.Add(time.Minute))},
	}
	if !slices.Equal(got, want) {
		t.Errorf("votes %v, want %v (a later vote replaces the earlier one)", got, want)
	}
	if got, err := s.Votes(ctx, "o_2"); err != nil || len(got) != 0 {
		t.Errorf("votes of another order: %v, %v", got, err)
	}
}
