package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// The figures of docs/operations.md: ingest, lookups under load and outbox drain on the
// engine the tests run on (ORDERSTATUS_TEST_ENGINE), with one instance and, on PostgreSQL,
// two. An instance is a Server with its own store and connection pool on the same database,
// as a second process would have; both run in this process on the same two cores.
// scripts/bench-engines runs them side by side on both engines.

// instances returns the test's server and n-1 more on the same database. On SQLite only one:
// an SQLite file is served by one process.
func (e *testEnv) instances(b *testing.B, n int) []http.Handler {
	b.Helper()
	if n > 1 && e.sqlite != nil {
		b.Skip("several instances share a PostgreSQL database, not an SQLite file")
	}
	hs := []http.Handler{e.srv.Handler()}
	for range n - 1 {
		hs = append(hs, newTestEnvAt(b, e.path, false).srv.Handler())
	}
	return hs
}

// BenchmarkIngestInstances is BenchmarkIngestHTTPParallel (32 clients, orders of 2 trackings ×
// 5 checkpoints) with the clients spread over one or two instances.
func BenchmarkIngestInstances(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			e := newTestEnv(b)
			hs := e.instances(b, n)
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i], _ = json.Marshal(orderPayload(1001, fmt.Sprintf("I-%d", i), 2, 5))
			}
			var next atomic.Int64
			b.SetParallelism(16) // 32 concurrent clients on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1) - 1
					req := httptest.NewRequest("PUT", "/v4/track/orders/", bytes.NewReader(bodies[i]))
					req.Header.Set("Authorization", "Bearer "+e.tokenA)
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					hs[int(i)%len(hs)].ServeHTTP(rec, req)
					if rec.Code != http.StatusCreated {
						b.Errorf("%d %s", rec.Code, rec.Body)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
			b.ReportMetric(float64(dbBytes(b, e))/float64(b.N), "dbbytes/order")
		})
	}
}

// BenchmarkInfoLookup100kInstances sends info requests by order number for orders spread over
// the 100,000 of seed100k from 32 concurrent clients, over one or two instances, and reports
// the median and 99th percentile latency and the rate.
func BenchmarkInfoLookup100kInstances(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			e := seed100k(b)
			hs := e.instances(b, n)
			var next atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					k := next.Add(1)
					i := 2 * (k * 7919 % (seedOrders / 2)) // account 1001's orders are the even ones
					req := httptest.NewRequest("GET", fmt.Sprintf("/v4/track/orders/info/?account=1001&order_number=N-%07d", i), nil)
					req.Header.Set("Authorization", "Bearer "+e.tokenA)
					rec := httptest.NewRecorder()
					t0 := time.Now()
					hs[int(k)%len(hs)].ServeHTTP(rec, req)
					mine = append(mine, time.Since(t0))
					if rec.Code != http.StatusOK {
						b.Errorf("N-%07d: %d %.200s", i, rec.Code, rec.Body)
						return
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			reportLatency(b, lat)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// reportLatency reports the median and the 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkOutboxDrain measures how fast one or two workers (each on its own store and pool,
// as in two instances) deliver 1,000 queued order.accepted callbacks to a local receiver;
// one op is the whole outbox.
func BenchmarkOutboxDrain(b *testing.B) {
	const events = 1000
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			var delivered atomic.Int64
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				delivered.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer recv.Close()
			e := newTestEnv(b)
			if n > 1 && e.sqlite != nil {
				b.Skip("several instances share a PostgreSQL database, not an SQLite file")
			}
			ctx := context.Background()
			a := e.acctA
			a.CallbackURL = recv.URL
			if err := e.db.UpdateAccount(ctx, a); err != nil {
				b.Fatal(err)
			}
			in := &status.Ingest{Store: e.db, Now: time.Now}
			for i := range events {
				body, _ := json.Marshal(map[string]any{"order_number": fmt.Sprintf("D-%04d", i), "recipient_email": "e@example.com",
					"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": fmt.Sprintf("TN-D-%04d", i)}}})
				if _, _, err := in.Save(ctx, a, body, false); err != nil {
					b.Fatal(err)
				}
			}
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			workers := []*callback.Worker{callback.NewWorker(e.admin, callback.Config{AllowPrivate: true}, quiet)}
			for range n - 1 {
				workers = append(workers, callback.NewWorker(openTestStore(b, e.path).db, callback.Config{AllowPrivate: true}, quiet))
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				if _, err := e.raw.Exec(`UPDATE callbacks SET state = 'pending', next_attempt_at = created_at, attempts = 0`); err != nil {
					b.Fatal(err)
				}
				delivered.Store(0)
				b.StartTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for _, w := range workers {
					wg.Go(func() {
						for {
							got, err := w.RunOnce(ctx)
							if err != nil {
								b.Error(err)
								return
							}
							if got == 0 {
								return
							}
						}
					})
				}
				wg.Wait()
				b.ReportMetric(events/time.Since(start).Seconds(), "events/s")
				if got := delivered.Load(); got != events {
					b.Fatalf("delivered %d, want %d", got, events)
				}
			}
		})
	}
}

// BenchmarkStorageFootprint stores b.N orders of 2 trackings × 5 checkpoints (as the ingest
// benchmarks send) and logs the bytes per order of every table and index, the figures behind
// the partitioning plan of docs/operations.md:
//
//	.ci/with-postgres env ORDERSTATUS_TEST_ENGINE=postgres go test ./internal/server -run X -bench StorageFootprint -benchtime 20000x -v
func BenchmarkStorageFootprint(b *testing.B) {
	e := newTestEnv(b)
	ctx := context.Background()
	in := &status.Ingest{Store: e.db, Now: time.Now}
	var next atomic.Int64
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := json.Marshal(orderPayload(1001, fmt.Sprintf("F-%d", next.Add(1)), 2, 5))
			if _, _, err := in.Save(ctx, e.acctA, body, false); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	q := `SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC`
	if e.sqlite == nil {
		if _, err := e.raw.Exec(`VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
		// Tables with their TOAST, indexes on their own.
		q = `SELECT c.relname, CASE c.relkind WHEN 'r' THEN pg_table_size(c.oid) ELSE pg_relation_size(c.oid) END
			FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
			WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 2 DESC`
	}
	rows, err := e.raw.Query(q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			b.Fatal(err)
		}
		total += size
		if size >= 256<<10 { // leave out the small tables
			b.Logf("%-32s %10d bytes %8.0f bytes/order", name, size, float64(size)/float64(b.N))
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/order")
}
