package callback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

const secret = "whsec_test_secret"

// outbox is a real database with account 1001 whose callbacks go to url.
type outbox struct {
	db *sqlite.DB
	in *status.Ingest
}

func newOutbox(t testing.TB, url string) *outbox {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "callbacks.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: secret, PublicView: "status", CallbackURL: url}
	if err := db.CreateAccount(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	return &outbox{db: db, in: &status.Ingest{Store: db, Now: time.Now}}
}

// accept stores a new order with one tracking, which queues one order.accepted event.
func (o *outbox) accept(t testing.TB, number string) *status.Order {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"order_number": number, "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "TN-" + number}}})
	saved, _, err := o.in.Save(context.Background(), status.Account{ID: 1001}, b, false)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func (o *outbox) deliveries(t testing.TB, orderID string) []callback.Delivery {
	t.Helper()
	ds, err := o.db.CallbackDeliveries(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fast retries quickly so that tests do not wait for the production backoff.
var fast = callback.Config{Timeout: 2 * time.Second, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	Poll: 5 * time.Millisecond, AllowPrivate: true}

// runUntil runs the worker until done reports true (or fails the test after 15 s).
func runUntil(t *testing.T, w *callback.Worker, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); w.Run(ctx) }()
	defer func() { cancel(); <-stopped }()
	deadline := time.Now().Add(15 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the worker")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// received is what a receiver saw of one request.
type received struct {
	event, delivery, signature, contentType string
	body                                    []byte
	code                                    int
}

// receiver records requests and answers each with the next status of codes (200 after them).
type receiver struct {
	mu    sync.Mutex
	codes []int
	got   []received
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	code := http.StatusOK
	if len(rc.got) < len(rc.codes) {
		code = rc.codes[len(rc.got)]
	}
	rc.got = append(rc.got, received{r.Header.Get(callback.HeaderEvent), r.Header.Get(callback.HeaderDelivery),
		r.Header.Get(callback.HeaderSignature), r.Header.Get("Content-Type"), body, code})
	rc.mu.Unlock()
	if code >= 300 && code < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(code)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func TestDeliveryIsSignedAndCarriesTheOrder(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	ob := newOutbox(t, srv.URL+"/hook")
	o := ob.accept(t, "A-1")
	w := callback.NewWorker(ob.db, fast, quietLogger())
	runUntil(t, w, func() bool { return len(rc.requests()) == 1 })

	r := rc.requests()[0]
	if err := callback.Verify(secret, r.signature, r.body, time.Now(), time.Minute); err != nil {
		t.Errorf("signature %q does not verify: %v", r.signature, err)
	}
	if err := callback.Verify("whsec_other", r.signature, r.body, time.Now(), time.Minute); err == nil {
		t.Error("signature verifies with another secret")
	}
	if r.event != callback.OrderAccepted || r.contentType != "application/json" || !strings.HasPrefix(r.delivery, "dlv_") {
		t.Errorf("headers event=%q content-type=%q delivery=%q", r.event, r.contentType, r.delivery)
	}
	stored, err := ob.db.Order(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := callback.Body(stored, time.Now())
	if string(r.body) != string(want) {
		t.Errorf("body\n%s\nwant the order as GET returns it\n%s", r.body, want)
	}
}

func TestFailsTwiceThenDeliveredExactlyOnce(t *testing.T) {
	redirected := make(chan struct{}, 10)
	rc := &receiver{codes: []int{http.StatusInternalServerError, http.StatusFound}}
	mux := http.NewServeMux()
	mux.Handle("/hook", rc)
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { redirected <- struct{}{} })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ob := newOutbox(t, srv.URL+"/hook")
	o := ob.accept(t, "A-2")
	w := callback.NewWorker(ob.db, fast, quietLogger())
	runUntil(t, w, func() bool {
		ds := ob.deliveries(t, o.ID)
		return len(ds) == 1 && ds[0].State == callback.Delivered
	})
	// More rounds must not send it again.
	for range 3 {
		if n, err := w.RunOnce(context.Background()); err != nil || n != 0 {
			t.Fatalf("after delivery RunOnce claimed %d (%v), want 0", n, err)
		}
	}

	got := rc.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	ok := 0
	for i, r := range got {
		if r.delivery != got[0].delivery {
			t.Errorf("attempt %d has delivery id %q, want %q as on the first", i+1, r.delivery, got[0].delivery)
		}
		if r.code >= 200 && r.code < 300 {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("receiver acknowledged %d requests, want exactly 1", ok)
	}
	if len(redirected) != 0 {
		t.Error("the worker followed a redirect")
	}
	d := ob.deliveries(t, o.ID)[0]
	var codes []int
	for _, a := range d.Attempts {
		codes = append(codes, a.StatusCode)
	}
	if fmt.Sprint(codes) != "[500 302 200]" || d.Attempts[0].Error == "" || d.Attempts[2].Error != "" || d.DeliveredAt == "" {
		t.Errorf("log %+v: want attempts 500, 302 (errors), then 200", d)
	}
}

func TestLoopbackRefusedAtConnectUnlessAllowed(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, url := range []string{srv.URL + "/hook", "http://localhost:" + port + "/hook"} {
		t.Run(url, func(t *testing.T) {
			// Stored directly, as if it had passed the save-time check (a DNS name that
			// resolves to a private address later).
			ob := newOutbox(t, url)
			o := ob.accept(t, "A-3")
			strict := fast
			strict.AllowPrivate = false
			if n, err := callback.NewWorker(ob.db, strict, quietLogger()).RunOnce(context.Background()); err != nil || n != 1 {
				t.Fatalf("RunOnce = %d, %v; want 1 attempt", n, err)
			}
			if n := len(rc.requests()); n != 0 {
				t.Fatalf("receiver on loopback got %d requests, want none", n)
			}
			d := ob.deliveries(t, o.ID)[0]
			if d.State != callback.Pending || len(d.Attempts) != 1 || !strings.Contains(d.Attempts[0].Error, "not public") {
				t.Errorf("delivery %+v: want a refused attempt, still pending", d)
			}
		})
	}
	if err := callback.CheckURL(srv.URL+"/hook", false); err == nil {
		t.Error("CheckURL accepts a loopback URL")
	}
	if err := callback.CheckURL(srv.URL+"/hook", true); err != nil {
		t.Errorf("CheckURL with allowPrivate: %v", err)
	}

	ob := newOutbox(t, srv.URL+"/hook")
	o := ob.accept(t, "A-4")
	w := callback.NewWorker(ob.db, fast, quietLogger())
	runUntil(t, w, func() bool { return len(rc.requests()) == 1 })
	runUntil(t, w, func() bool { return ob.deliveries(t, o.ID)[0].State == callback.Delivered })
}

func TestGivesUpAfter24Hours(t *testing.T) {
	rc := &receiver{codes: []int{503, 503, 503}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	ob := newOutbox(t, srv.URL)
	o := ob.accept(t, "A-5")
	w := callback.NewWorker(ob.db, fast, quietLogger())
	ctx := context.Background()
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	d := ob.deliveries(t, o.ID)[0]
	if d.State != callback.Pending || d.NextAttemptAt == "" {
		t.Fatalf("after one failure %+v: want pending with a next attempt", d)
	}
	created, _ := status.ParseTimestamp(d.CreatedAt)
	w.SetClock(func() time.Time { return created.Add(callback.MaxAge + time.Minute) })
	if n, err := w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce after 24 h = %d, %v", n, err)
	}
	d = ob.deliveries(t, o.ID)[0]
	if d.State != callback.Failed || len(d.Attempts) != 2 {
		t.Fatalf("after 24 h %+v: want failed after 2 attempts", d)
	}
	if n, _ := w.RunOnce(ctx); n != 0 {
		t.Errorf("a failed delivery was claimed again")
	}

	// A manual retry gives it a fresh day.
	if _, err := ob.db.RetryCallback(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	w.SetClock(time.Now)
	runUntil(t, w, func() bool { return ob.deliveries(t, o.ID)[0].State == callback.Delivered })
}

func TestTimeoutIsAFailedAttempt(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ob := newOutbox(t, srv.URL)
	o := ob.accept(t, "A-6")
	cfg := fast
	cfg.Timeout = 100 * time.Millisecond
	if _, err := callback.NewWorker(ob.db, cfg, quietLogger()).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := ob.deliveries(t, o.ID)[0]
	if d.State != callback.Pending || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 0 || !strings.Contains(d.Attempts[0].Error, "Timeout") {
		t.Errorf("delivery %+v: want one timed-out attempt, pending", d)
	}
}

// BenchmarkDrain1000 measures how long the worker takes to deliver 1,000 queued events to a
// local receiver (one op = the whole outbox).
func BenchmarkDrain1000(b *testing.B) {
	var mu sync.Mutex
	delivered := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		delivered++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ob := newOutbox(b, srv.URL)
	for i := range 1000 {
		ob.accept(b, fmt.Sprintf("B-%04d", i))
	}
	w := callback.NewWorker(ob.db, callback.Config{AllowPrivate: true}, quietLogger())
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := ob.db.SQL().ExecContext(ctx, `UPDATE callbacks SET state = 'pending', next_attempt_at = created_at`); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		delivered = 0
		mu.Unlock()
		b.StartTimer()
		start := time.Now()
		for {
			n, err := w.RunOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		b.ReportMetric(1000/time.Since(start).Seconds(), "events/s")
		mu.Lock()
		if delivered != 1000 {
			b.Fatalf("delivered %d, want 1000", delivered)
		}
		mu.Unlock()
	}
}
