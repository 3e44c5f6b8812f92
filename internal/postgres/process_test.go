package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/status"
)

// workerEnv names the database a worker process (TestWorkerProcess) delivers from.
const workerEnv = "ORDERSTATUS_TEST_WORKER_DSN"

// TestWorkerProcess is not a test of its own: TestOutboxWorkerProcesses runs the test binary
// with only this test and workerEnv set, as one instance's callback worker.
func TestWorkerProcess(t *testing.T) {
	dsn := os.Getenv(workerEnv)
	if dsn == "" {
		t.Skip("runs only as a worker process of TestOutboxWorkerProcesses")
	}
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
	if err != nil {
		t.Fatal(err)
	}
	w := callback.NewWorker(db, callback.Config{AllowPrivate: true, Poll: 20 * time.Millisecond, Timeout: 2 * time.Second, Batch: 8, Concurrency: 8},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Run(context.Background()) // until the parent kills the process
}

// 1,000 events, three worker processes on one database, one of them killed with SIGKILL
// while it has deliveries in flight: every event is received and ends delivered. Only the
// attempts the killed process had in flight arrive twice (delivery is at least once;
// receivers deduplicate by the delivery id), at most one batch of them, once its lease ran out.
func TestOutboxWorkerProcesses(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	db, err := postgres.Open(ctx, dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mu sync.Mutex
	received := map[string]int{}
	// While holding, the receiver takes requests in (and counts them) but does not answer
	// until release is closed: the sender has an attempt in flight for as long as it likes.
	var holding atomic.Bool
	var held atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		received[r.Header.Get(callback.HeaderDelivery)]++
		mu.Unlock()
		if holding.Load() {
			held.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	if err := db.CreateAccount(ctx, status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "whsec", CallbackURL: srv.URL}, nil); err != nil {
		t.Fatal(err)
	}
	const events = 1000
	in := &status.Ingest{Store: db, Now: time.Now}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < events; i += 8 {
				b, _ := json.Marshal(map[string]any{"order_number": fmt.Sprint("WP-", i), "recipient_email": "e@example.com",
					"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": fmt.Sprint("TN-WP-", i)}}})
				if _, _, err := in.Save(ctx, status.Account{ID: 1001}, b, false); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var outputs []*bytes.Buffer
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$")
		cmd.Env = append(os.Environ(), workerEnv+"="+dsn)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		outputs = append(outputs, out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	defer func() {
		if t.Failed() {
			for i, out := range outputs {
				t.Logf("worker process %d:\n%s", i, out)
			}
		}
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(received)
	}
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(120 * time.Second)
		for count() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d events received", count(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// The first process delivers alone for a while; then the receiver holds its attempts, and
	// it is killed with attempts in flight (received, not answered, no outcome recorded).
	first := start()
	waitFor(events / 10)
	holding.Store(true)
	deadline := time.Now().Add(60 * time.Second)
	for held.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first worker sent nothing while held")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	holding.Store(false)
	close(release)
	start()
	start()
	waitFor(events)
	// Deliveries the killed process claimed are taken over after its lease; wait until the
	// store says every event is delivered.
	deadline = time.Now().Add(60 * time.Second)
	for {
		var pending int
		if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM callbacks WHERE state <> 'delivered'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events not delivered", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var interrupted int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM callback_attempts WHERE error LIKE 'interrupted%'`).Scan(&interrupted); err != nil {
		t.Fatal(err)
	}
	if interrupted == 0 {
		t.Error("no attempt of the killed process was logged as interrupted")
	}
	mu.Lock()
	defer mu.Unlock()
	twice := 0
	for id, n := range received {
		if n > 2 {
			t.Errorf("event %s received %d times", id, n)
		}
		if n == 2 {
			twice++
		}
	}
	if twice == 0 || twice > 8 {
		t.Errorf("%d events received twice, want the killed worker's attempts in flight: at least one, at most its batch of 8", twice)
	}
	t.Logf("%d events received, %d twice; %d attempts of the killed process recovered after its lease", len(received), twice, interrupted)
}
