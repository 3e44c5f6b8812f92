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

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// events lists the events of an order's deliveries, oldest first.
func events(t *testing.T, s Store, orderID string) []string {
	t.Helper()
	ds, err := s.CallbackDeliveries(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ds) - 1; i >= 0; i-- {
		out = append(out, ds[i].Event)
	}
	return out
}

func withTracking(number string) map[string]any {
	return map[string]any{"order_number": "OB-" + number, "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": number}}}
}

func testOutboxEvents(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	body := map[string]any{"order_number": "A-1", "recipient_email": "e@example.com"}
	o := mustSave(t, in, 1001, body)
	if got := events(t, s, o.ID); len(got) != 0 {
		t.Fatalf("order without trackings: events %v, want none", got)
	}
	body["trackings"] = []any{map[string]any{"courier": "dhl", "tracking_number": "T1",
		"checkpoints": []any{checkpoint("OrderProcessed", "2026-01-10T08:00:00Z")}}}
	mustSave(t, in, 1001, body)
	if got, want := events(t, s, o.ID), []string{callback.OrderAccepted}; !slices.Equal(got, want) {
		t.Fatalf("first tracking: events %v, want %v", got, want)
	}
	mustSave(t, in, 1001, body)
	if got := events(t, s, o.ID); len(got) != 1 {
		t.Fatalf("unchanged order: events %v, want still 1", got)
	}
	add := func(code, ts string) {
		t.Helper()
		if _, err := s.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) {
			status.AddCheckpoints(o, o.Trackings[0].ID, []status.Checkpoint{{StatusCode: code, EventTimestamp: ts}})
			return o, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	add("Warehouse-Packed", "2026-01-10T09:00:00.000Z")
	if got := events(t, s, o.ID); len(got) != 1 {
		t.Fatalf("same lifecycle: events %v, want still 1", got)
	}
	add("InTransit", "2026-01-11T09:00:00.000Z")
	want := []string{callback.OrderAccepted, callback.TrackingStatusChanged}
	if got := events(t, s, o.ID); !slices.Equal(got, want) {
		t.Fatalf("lifecycle change: events %v, want %v", got, want)
	}
	body["cancelled_date"] = "2026-01-12T10:00:00Z"
	mustSave(t, in, 1001, body)
	want = append(want, callback.OrderCancelled)
	if got := events(t, s, o.ID); !slices.Equal(got, want) {
		t.Fatalf("cancelled: events %v, want %v", got, want)
	}
	ds, err := s.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.URL != shopA.CallbackURL || d.State != callback.Pending || d.NextAttemptAt == "" || len(d.Attempts) != 0 || d.OrderID != o.ID {
			t.Errorf("delivery %+v: want pending to the account's URL without attempts", d)
		}
	}
	if tid := mustOrder(t, s, o.ID).Trackings[0].ID; ds[1].TrackingID != tid {
		t.Errorf("status change names tracking %q, want %q", ds[1].TrackingID, tid)
	}
	one, err := s.CallbackDelivery(ctx, ds[0].ID)
	if err != nil || one.ID != ds[0].ID || one.Event != callback.OrderCancelled {
		t.Errorf("one delivery: %+v, %v", one, err)
	}
	if _, err := s.CallbackDelivery(ctx, "dlv_missing"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("unknown delivery: %v, want ErrNotFound", err)
	}
}

func testOutboxPayload(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	body := withTracking("T2")
	body["callback_url"] = "https://shop-b.example/orders/hook"
	o := mustSave(t, in, 1002, body)
	jobs, err := s.ClaimCallbacks(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, %v; want 1", len(jobs), err)
	}
	j := jobs[0]
	// The order's body as the API answers it, derived state as of the event.
	want, _ := callback.Body(mustOrder(t, s, o.ID), j.CreatedAt)
	if string(j.Payload) != string(want) {
		t.Errorf("payload\n%s\nwant the stored order's body\n%s", j.Payload, want)
	}
	if j.URL != "https://shop-b.example/orders/hook" || j.Secret != "whsec_b" || j.Event != callback.OrderAccepted || j.Attempt != 1 {
		t.Errorf("job %+v: want the order's own URL, account B's secret, attempt 1", j)
	}
	if j.ExpiresAt.Sub(j.CreatedAt) != callback.MaxAge {
		t.Errorf("job expires %s after creation, want %s", j.ExpiresAt.Sub(j.CreatedAt), callback.MaxAge)
	}
}

// No URL, no events; an account URL set later applies to the next write at once.
func testOutboxTargets(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	before := mustSave(t, in, 1002, withTracking("B-10"))
	if got := events(t, s, before.ID); len(got) != 0 {
		t.Errorf("no callback URL: events %v, want none", got)
	}
	a, err := s.Account(ctx, 1002)
	if err != nil {
		t.Fatal(err)
	}
	a.CallbackURL = "https://shop-b.example/hook"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	after := mustSave(t, in, 1002, withTracking("B-11"))
	if got := events(t, s, after.ID); !slices.Equal(got, []string{callback.OrderAccepted}) {
		t.Errorf("after the URL was set: events %v, want [%s]", got, callback.OrderAccepted)
	}
}

func testOutboxRejected(t *testing.T, open Open) {
	s, in := setup(t, open)
	mustSave(t, in, 1001, withTracking("T4"))
	o := mustSave(t, in, 1001, map[string]any{"order_number": "A-2", "recipient_email": "e@example.com"})
	// The tracking belongs to another order: the write fails, and its event must not remain.
	body := withTracking("T4")
	body["order_number"] = "A-2"
	if _, _, err := save(t, in, 1001, body); err == nil {
		t.Fatal("saving a tracking of another order succeeded")
	}
	if got := events(t, s, o.ID); len(got) != 0 {
		t.Errorf("rejected change left events %v", got)
	}
	if got := mustOrder(t, s, o.ID); len(got.Trackings) != 0 || got.Version != 1 {
		t.Errorf("rejected change stored: %d trackings, version %d", len(got.Trackings), got.Version)
	}
}

func testClaimLease(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1001, withTracking("T5"))
	now := time.Now()
	first, err := s.ClaimCallbacks(ctx, now, 20*time.Second, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim: %d jobs, %v; want 1", len(first), err)
	}
	again, err := s.ClaimCallbacks(ctx, now.Add(10*time.Second), 20*time.Second, 10)
	if err != nil || len(again) != 0 {
		t.Fatalf("claim during the lease: %d jobs, %v; want none", len(again), err)
	}
	// The worker died: after the lease the delivery is due again, same id, next attempt.
	later, err := s.ClaimCallbacks(ctx, now.Add(21*time.Second), 20*time.Second, 10)
	if err != nil || len(later) != 1 {
		t.Fatalf("claim after the lease: %d jobs, %v; want 1", len(later), err)
	}
	if later[0].ID != first[0].ID || later[0].Attempt != 2 || later[0].Lease == first[0].Lease {
		t.Errorf("reclaimed %+v after %+v: want the same delivery, attempt 2, a new lease", later[0], first[0])
	}
	// The dead worker's late outcome does not override the new claim.
	if err := s.FinishCallback(ctx, first[0], callback.Outcome{State: callback.Pending, Next: now.Add(time.Hour),
		Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(now), Error: "late"}}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.CallbackDelivery(ctx, first[0].ID); d.NextAttemptAt == status.FormatTimestamp(now.Add(time.Hour)) {
		t.Errorf("the late outcome of a lost lease rescheduled the delivery: %+v", d)
	}
	if err := s.FinishCallback(ctx, later[0], callback.Outcome{State: callback.Delivered,
		Attempt: callback.Attempt{No: 2, At: status.FormatTimestamp(now.Add(21 * time.Second)), StatusCode: 204}}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if d.State != callback.Delivered || len(d.Attempts) != 2 || d.Attempts[1].StatusCode != 204 || d.Attempts[0].Error != "late" || d.NextAttemptAt != "" {
		t.Errorf("delivery %+v: want delivered with 2 attempts", d)
	}
	if jobs, _ := s.ClaimCallbacks(ctx, now.Add(time.Hour), time.Minute, 10); len(jobs) != 0 {
		t.Errorf("a delivered event was claimed again: %+v", jobs)
	}
}

func testReclaimInterrupted(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1001, withTracking("T6"))
	now := time.Now()
	if _, err := s.ClaimCallbacks(ctx, now, time.Second, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimCallbacks(ctx, now.Add(2*time.Second), time.Second, 10); err != nil {
		t.Fatal(err)
	}
	ds, err := s.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := ds[0].Attempts; len(a) != 1 || a[0].No != 1 || !strings.HasPrefix(a[0].Error, "interrupted") || a[0].DurationMS != 1000 {
		t.Errorf("attempts %+v: want attempt 1 logged as interrupted after its 1 s lease", a)
	}
}

func testRetryCallback(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	mustSave(t, in, 1001, withTracking("T7"))
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	jobs, err := s.ClaimCallbacks(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %d, %v", len(jobs), err)
	}
	if err := s.FinishCallback(ctx, jobs[0], callback.Outcome{State: callback.Failed,
		Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(start), Error: "gave up"}}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.CallbackDelivery(ctx, jobs[0].ID); d.State != callback.Failed || d.NextAttemptAt != "" {
		t.Errorf("failed delivery %+v", d)
	}
	if _, err := s.RetryCallback(ctx, "dlv_missing"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("retry of an unknown delivery: %v, want ErrNotFound", err)
	}
	s.SetClock(func() time.Time { return start })
	d, err := s.RetryCallback(ctx, jobs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != callback.Pending || d.NextAttemptAt != status.FormatTimestamp(start) || d.ExpiresAt != status.FormatTimestamp(start.Add(callback.MaxAge)) {
		t.Errorf("retried %+v: want pending now with a fresh 24 h", d)
	}
	again, err := s.ClaimCallbacks(ctx, start, time.Minute, 10)
	if err != nil || len(again) != 1 || again[0].Attempt != 2 {
		t.Fatalf("claim after retry: %+v, %v; want attempt 2", again, err)
	}
	// A pending retry keeps its time: Next is honoured.
	if err := s.FinishCallback(ctx, again[0], callback.Outcome{State: callback.Pending, Next: start.Add(time.Hour),
		Attempt: callback.Attempt{No: 2, At: status.FormatTimestamp(start), StatusCode: 500, Error: "receiver answered 500"}}); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := s.ClaimCallbacks(ctx, start.Add(59*time.Minute), time.Minute, 10); len(jobs) != 0 {
		t.Errorf("claimed before its next attempt: %+v", jobs)
	}
	if jobs, _ := s.ClaimCallbacks(ctx, start.Add(time.Hour), time.Minute, 10); len(jobs) != 1 || jobs[0].Attempt != 3 {
		t.Errorf("claim at its next attempt: %+v, want attempt 3", jobs)
	}
}

// Workers claiming at the same time get each due event exactly once.
func testParallelClaims(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	const orders = 40
	for i := range orders {
		mustSave(t, in, 1001, withTracking(fmt.Sprint("PC-", i)))
	}
	now := time.Now()
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for {
				jobs, err := s.ClaimCallbacks(ctx, now, time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range jobs {
					claimed[j.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != orders {
		t.Errorf("%d events claimed, want %d", len(claimed), orders)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("event %s claimed %d times", id, n)
		}
	}
}

// testCallbackModes: in "once" mode an order sends exactly one callback in its life; an
// order's own mode wins over its account's; the account's topics filter the events. The mode
// is read with the write, so a change to the account applies to the next write at once.
func testCallbackModes(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	a, err := s.Account(ctx, shopA.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.CallbackMode = status.CallbackOnce
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	tracking := func(number, code, ts string) []any {
		return []any{map[string]any{"courier": "dhl", "tracking_number": number, "checkpoints": []any{checkpoint(code, ts)}}}
	}
	body := map[string]any{"order_number": "M-1", "recipient_email": "e@example.com"}
	o := mustSave(t, in, 1001, body)
	for _, step := range []struct{ code, ts string }{{"OrderProcessed", "2026-01-10T08:00:00Z"}, {"InTransit", "2026-01-11T08:00:00Z"}} {
		body["trackings"] = tracking("M-T1", step.code, step.ts)
		mustSave(t, in, 1001, body)
	}
	body["cancelled_date"] = "2026-01-12T10:00:00Z"
	mustSave(t, in, 1001, body)
	if got, want := events(t, s, o.ID), []string{callback.OrderAccepted}; !slices.Equal(got, want) {
		t.Errorf("once: events %v, want %v", got, want)
	}
	a.CallbackTopics = []string{callback.TrackingStatusChanged}
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	ch := map[string]any{"order_number": "M-2", "recipient_email": "e@example.com", "callback_mode": "changes",
		"trackings": tracking("M-T2", "OrderProcessed", "2026-01-10T08:00:00Z")}
	c := mustSave(t, in, 1001, ch)
	ch["trackings"] = tracking("M-T2", "InTransit", "2026-01-11T08:00:00Z")
	mustSave(t, in, 1001, ch)
	if got, want := events(t, s, c.ID), []string{callback.TrackingStatusChanged}; !slices.Equal(got, want) {
		t.Errorf("the order's changes mode with the account's topics: events %v, want %v", got, want)
	}
}
