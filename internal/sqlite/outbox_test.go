package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// openOutboxTest opens a fresh database with account 1001 (callback URL set) and 1002 (none).
func openOutboxTest(t testing.TB) (*DB, *status.Ingest) {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, a := range []status.Account{
		{ID: 1001, Name: "A", SigningKey: "k", CallbackSecret: "whsec_a", PublicView: "status", CallbackURL: "https://shop-a.example/hook"},
		{ID: 1002, Name: "B", SigningKey: "k", CallbackSecret: "whsec_b", PublicView: "status"},
	} {
		if err := db.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	return db, &status.Ingest{Store: db, Now: time.Now}
}

func saveJSON(t testing.TB, in *status.Ingest, account int64, body map[string]any) *status.Order {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	o, _, err := in.Save(context.Background(), status.Account{ID: account}, b, false)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	return o
}

func checkpoint(code, ts string) map[string]any {
	return map[string]any{"status_code": code, "event_timestamp": ts}
}

func events(t testing.TB, db *DB, orderID string) []string {
	t.Helper()
	ds, err := db.CallbackDeliveries(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		out = append(out, ds[i].Event)
	}
	return out
}

func TestOutboxEventsFollowTheOrder(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	order := map[string]any{"order_number": "A-1", "recipient_email": "e@example.com"}

	o := saveJSON(t, in, 1001, order)
	if got := events(t, db, o.ID); len(got) != 0 {
		t.Fatalf("order without trackings: events %v, want none", got)
	}

	order["trackings"] = []any{map[string]any{"courier": "dhl", "tracking_number": "T1",
		"checkpoints": []any{checkpoint("OrderProcessed", "2026-01-10T08:00:00Z")}}}
	saveJSON(t, in, 1001, order)
	if got, want := events(t, db, o.ID), []string{callback.OrderAccepted}; !slices.Equal(got, want) {
		t.Fatalf("first tracking: events %v, want %v", got, want)
	}

	// The same events again change nothing.
	saveJSON(t, in, 1001, order)
	if got := events(t, db, o.ID); len(got) != 1 {
		t.Fatalf("unchanged order: events %v, want still 1", got)
	}

	// A new checkpoint with the same lifecycle causes no event; a lifecycle change does.
	o, err := db.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) {
		status.AddCheckpoints(o, o.Trackings[0].ID, []status.Checkpoint{{StatusCode: "Warehouse-Packed", EventTimestamp: "2026-01-10T09:00:00.000Z"}})
		return o, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := events(t, db, o.ID); len(got) != 1 {
		t.Fatalf("same lifecycle: events %v, want still 1", got)
	}
	o, err = db.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) {
		status.AddCheckpoints(o, o.Trackings[0].ID, []status.Checkpoint{{StatusCode: "InTransit", EventTimestamp: "2026-01-11T09:00:00.000Z"}})
		return o, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{callback.OrderAccepted, callback.TrackingStatusChanged}
	if got := events(t, db, o.ID); !slices.Equal(got, want) {
		t.Fatalf("lifecycle change: events %v, want %v", got, want)
	}

	order["cancelled_date"] = "2026-01-12T10:00:00Z"
	saveJSON(t, in, 1001, order)
	want = append(want, callback.OrderCancelled)
	if got := events(t, db, o.ID); !slices.Equal(got, want) {
		t.Fatalf("cancelled: events %v, want %v", got, want)
	}

	ds, err := db.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.URL != "https://shop-a.example/hook" || d.State != callback.Pending || d.NextAttemptAt == "" || len(d.Attempts) != 0 {
			t.Errorf("delivery %+v: want pending to the account's URL without attempts", d)
		}
	}
	if ds[1].TrackingID != o.Trackings[0].ID {
		t.Errorf("status change names tracking %q, want %q", ds[1].TrackingID, o.Trackings[0].ID)
	}
}

func TestOutboxPayloadIsTheStoredOrder(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	o := saveJSON(t, in, 1002, map[string]any{"order_number": "B-1", "recipient_email": "e@example.com",
		"callback_url": "https://shop-b.example/orders/hook",
		"trackings":    []any{map[string]any{"courier": "dhl", "tracking_number": "T2"}}})
	jobs, err := db.ClaimCallbacks(ctx, time.Now(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	stored, err := db.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The order as stored with its derived state (no dates in it here, so any now will do).
	want, _ := callback.Body(stored, time.Now())
	if string(j.Payload) != string(want) {
		t.Errorf("payload\n%s\nwant the stored order\n%s", j.Payload, want)
	}
	if j.URL != "https://shop-b.example/orders/hook" || j.Secret != "whsec_b" || j.Event != callback.OrderAccepted || j.Attempt != 1 {
		t.Errorf("job %+v: want the order's own URL, account B's secret, attempt 1", j)
	}
}

func TestOutboxNothingWithoutURL(t *testing.T) {
	db, in := openOutboxTest(t)
	o := saveJSON(t, in, 1002, map[string]any{"order_number": "B-2", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T3"}}})
	if got := events(t, db, o.ID); len(got) != 0 {
		t.Errorf("no callback URL: events %v, want none", got)
	}
}

// The account's callback URL is remembered between writes; setting it applies to the next
// write at once.
func TestOutboxAccountURLSetLater(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	order := func(n string) map[string]any {
		return map[string]any{"order_number": n, "recipient_email": "e@example.com",
			"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T-" + n}}}
	}
	before := saveJSON(t, in, 1002, order("B-10"))
	a, err := db.Account(ctx, 1002)
	if err != nil {
		t.Fatal(err)
	}
	a.CallbackURL = "https://shop-b.example/hook"
	if err := db.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	after := saveJSON(t, in, 1002, order("B-11"))
	if got := events(t, db, before.ID); len(got) != 0 {
		t.Errorf("before the URL was set: events %v, want none", got)
	}
	if got := events(t, db, after.ID); !slices.Equal(got, []string{callback.OrderAccepted}) {
		t.Errorf("after the URL was set: events %v, want [%s]", got, callback.OrderAccepted)
	}
}

func TestOutboxNothingForARejectedChange(t *testing.T) {
	db, in := openOutboxTest(t)
	saveJSON(t, in, 1001, map[string]any{"order_number": "A-1", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T4"}}})
	o := saveJSON(t, in, 1001, map[string]any{"order_number": "A-2", "recipient_email": "e@example.com"})
	// The tracking belongs to A-1 already: the write fails, and the event it would have
	// caused must not remain.
	b, _ := json.Marshal(map[string]any{"order_number": "A-2", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T4"}}})
	if _, _, err := in.Save(context.Background(), status.Account{ID: 1001}, b, false); err == nil {
		t.Fatal("saving a tracking of another order succeeded")
	}
	if got := events(t, db, o.ID); len(got) != 0 {
		t.Errorf("rejected change left events %v", got)
	}
}

func TestClaimLeaseAndReclaim(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	o := saveJSON(t, in, 1001, map[string]any{"order_number": "A-3", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T5"}}})
	now := time.Now()
	first, err := db.ClaimCallbacks(ctx, now, 20*time.Second, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim: %d jobs, %v; want 1", len(first), err)
	}
	again, err := db.ClaimCallbacks(ctx, now.Add(10*time.Second), 20*time.Second, 10)
	if err != nil || len(again) != 0 {
		t.Fatalf("claim during the lease: %d jobs, %v; want none", len(again), err)
	}
	// The worker died: after the lease the delivery is due again, same id, next attempt.
	later, err := db.ClaimCallbacks(ctx, now.Add(21*time.Second), 20*time.Second, 10)
	if err != nil || len(later) != 1 {
		t.Fatalf("claim after the lease: %d jobs, %v; want 1", len(later), err)
	}
	if later[0].ID != first[0].ID || later[0].Attempt != 2 || later[0].Lease == first[0].Lease {
		t.Errorf("reclaimed %+v after %+v: want the same delivery, attempt 2, a new lease", later[0], first[0])
	}
	// The dead worker's late outcome does not override the new claim.
	if err := db.FinishCallback(ctx, first[0], callback.Outcome{State: callback.Pending, Next: now.Add(time.Hour),
		Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(now), Error: "late"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishCallback(ctx, later[0], callback.Outcome{State: callback.Delivered,
		Attempt: callback.Attempt{No: 2, At: status.FormatTimestamp(now.Add(21 * time.Second)), StatusCode: 204}}); err != nil {
		t.Fatal(err)
	}
	ds, err := db.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if d.State != callback.Delivered || len(d.Attempts) != 2 || d.Attempts[1].StatusCode != 204 {
		t.Errorf("delivery %+v: want delivered with 2 attempts", d)
	}
}

func TestReclaimLogsInterruptedAttempt(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	o := saveJSON(t, in, 1001, map[string]any{"order_number": "A-4", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T6"}}})
	now := time.Now()
	if _, err := db.ClaimCallbacks(ctx, now, time.Second, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimCallbacks(ctx, now.Add(2*time.Second), time.Second, 10); err != nil {
		t.Fatal(err)
	}
	ds, err := db.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := ds[0].Attempts; len(a) != 1 || a[0].No != 1 || a[0].Error != interruptedAttempt {
		t.Errorf("attempts %+v: want attempt 1 logged as interrupted", a)
	}
}

func TestRetryCallback(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	saveJSON(t, in, 1001, map[string]any{"order_number": "A-5", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "T7"}}})
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	jobs, err := db.ClaimCallbacks(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %d, %v", len(jobs), err)
	}
	if err := db.FinishCallback(ctx, jobs[0], callback.Outcome{State: callback.Failed,
		Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(start), Error: "gave up"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RetryCallback(ctx, "dlv_missing"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("retry of an unknown delivery: %v, want ErrNotFound", err)
	}
	db.SetClock(func() time.Time { return start })
	d, err := db.RetryCallback(ctx, jobs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != callback.Pending || d.NextAttemptAt != status.FormatTimestamp(start) || d.ExpiresAt != status.FormatTimestamp(start.Add(callback.MaxAge)) {
		t.Errorf("retried %+v: want pending now with a fresh 24 h", d)
	}
	again, err := db.ClaimCallbacks(ctx, start, time.Minute, 10)
	if err != nil || len(again) != 1 || again[0].Attempt != 2 {
		t.Fatalf("claim after retry: %+v, %v; want attempt 2", again, err)
	}
}

func TestClaimRefresh(t *testing.T) {
	db, _ := openOutboxTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Minute, false}, {4*time.Minute + 59*time.Second, false}, {5 * time.Minute, true}, {6 * time.Minute, false}} {
		got, err := db.ClaimRefresh(ctx, "t_1", now.Add(c.at), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("refresh at +%s: %v, want %v", c.at, got, c.want)
		}
	}
}
