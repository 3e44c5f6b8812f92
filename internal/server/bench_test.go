package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

func init() {
	// As main.go does for the binary: GOGC=400 unless GOGC is set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// BenchmarkIngestHTTP measures PUT /v4/track/orders/ through the router and a real SQLite
// file: orders with 2 trackings and 5 checkpoints each, sent by one client that waits for
// each answer, so every order waits for its own commit (the latency side of ingest;
// BenchmarkIngestHTTPParallel is the throughput side).
func BenchmarkIngestHTTP(b *testing.B) {
	e := newTestEnv(b)
	h := e.srv.Handler()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(orderPayload(1001, fmt.Sprintf("B-%d", i), 2, 5))
	}
	batches, writes, busy := writerStats(e)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("PUT", "/v4/track/orders/", bytes.NewReader(bodies[i]))
		req.Header.Set("Authorization", "Bearer "+e.tokenA)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	reportWriter(b, e, batches, writes, busy)
	b.ReportMetric(float64(dbBytes(b, e))/float64(b.N), "dbbytes/order")
}

// dbBytes is the size of the database: on SQLite the file once the WAL is copied into it
// (the WAL file itself is reused and stays at most about 40 MiB), on PostgreSQL the tables of
// the test's schema with their indexes and TOAST.
func dbBytes(b *testing.B, e *testEnv) int64 {
	if e.sqlite == nil {
		var n int64
		if err := e.raw.QueryRow(`SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
			JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	if _, err := e.raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(e.path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// BenchmarkIngestHTTPParallel is the same with concurrent clients, as a server sees them:
// decoding and validation run in parallel while SQLite serialises the commits.
func BenchmarkIngestHTTPParallel(b *testing.B) {
	e := newTestEnv(b)
	h := e.srv.Handler()
	var n atomic.Int64
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(orderPayload(1001, fmt.Sprintf("P-%d", i), 2, 5))
	}
	b.SetParallelism(16) // 32 concurrent clients on 2 cores
	batches, writes, busy := writerStats(e)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bodies[n.Add(1)-1]
			req := httptest.NewRequest("PUT", "/v4/track/orders/", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.tokenA)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	reportWriter(b, e, batches, writes, busy)
}

// reportWriter reports the group commit's batch size and the writer's time per order since
// the counts given.
func reportWriter(b *testing.B, e *testEnv, batches0, writes0 int64, busy0 time.Duration) {
	if e.sqlite == nil {
		return // PostgreSQL has no single writer: transactions commit in parallel
	}
	batches, writes, busy := writerStats(e)
	b.ReportMetric(float64(writes-writes0)/float64(batches-batches0), "orders/commit")
	b.ReportMetric(float64((busy-busy0).Microseconds())/float64(writes-writes0), "writer-µs/order")
}

// writerStats are the SQLite writer's counters (zero on PostgreSQL).
func writerStats(e *testEnv) (batches, writes int64, busy time.Duration) {
	if e.sqlite == nil {
		return 0, 0, 0
	}
	return e.sqlite.WriterStats()
}

// seeded is a database with 100,000 orders (2 trackings, 5 checkpoints each) shared by the
// lookup benchmarks of one test binary run.
var seeded struct {
	once   sync.Once
	path   string
	tokenA string
	acctA  status.Account
	err    error
}

const seedOrders = 100_000

func seed100k(b *testing.B) *testEnv {
	seeded.once.Do(func() {
		dir, err := os.MkdirTemp("", "orderstatus-bench-")
		if err != nil {
			seeded.err = err
			return
		}
		path := filepath.Join(dir, "bench.db")
		keepTestStore(b, path)
		e := newTestEnvAt(b, path, true)
		start := time.Now()
		// 100,000 orders bulk-inserted (seedBulk, support_bench_test.go), then full orders
		// with every lookup key through the ingest path; the lookups look those up.
		e.seedBulk(b, seedOrders)
		in := &status.Ingest{Store: e.db, Now: time.Now}
		for i := 0; i < 200; i++ {
			p := orderPayload(1001, fmt.Sprintf("S-%06d", i), 2, 5)
			p["recipient_email"] = fmt.Sprintf("shopper%d@example.com", i)
			p["customer_number"] = fmt.Sprintf("CX-%d", i)
			p["external_reference"] = fmt.Sprintf("ERPS-%d", i)
			p["external_order_id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			for j, t := range p["trackings"].([]any) {
				t.(map[string]any)["tracking_number"] = fmt.Sprintf("TN%06d-%d", i, j)
			}
			body, _ := json.Marshal(p)
			if _, _, err := in.Save(context.Background(), e.acctA, body, false); err != nil {
				seeded.err = err
				return
			}
		}
		b.Logf("seeded %d orders in %s", seedOrders+200, time.Since(start).Round(time.Millisecond))
		seeded.path, seeded.tokenA, seeded.acctA = path, e.tokenA, e.acctA
	})
	if seeded.err != nil {
		b.Fatal(seeded.err)
	}
	e := newTestEnvAt(b, seeded.path, false)
	e.tokenA, e.acctA = seeded.tokenA, seeded.acctA
	return e
}

// benchGet runs one GET per iteration through the router and reports the median latency.
func benchGet(b *testing.B, h http.Handler, u string, hdr ...string) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", u, nil)
		for j := 0; j+1 < len(hdr); j += 2 {
			req.Header.Set(hdr[j], hdr[j+1])
		}
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != 200 {
			b.Fatalf("%s: %d %.200s", u, rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkInfoLookup100k measures one info request per lookup kind with 100,000 orders.
func BenchmarkInfoLookup100k(b *testing.B) {
	e := seed100k(b)
	h := e.srv.Handler()
	tid := ""
	{
		req := httptest.NewRequest("GET", "/v4/track/orders/info/?account=1001&order_number=S-000100", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokenA)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var info status.Info
		json.Unmarshal(rec.Body.Bytes(), &info)
		tid = info.Trackings[0].TrackingID
	}
	kinds := []struct{ name, query string }{
		{"order_number", "account=1001&order_number=S-000100"},
		{"external_order_id", "account=1001&external_order_id=00000000-0000-4000-8000-000000000100"},
		{"external_reference", "account=1001&external_reference=ERPS-100"},
		{"tracking_number", "tracking_number=TN000100-1&courier=dhl-germany"},
		{"customer_number", "account=1001&customer_number=CX-100"},
		{"recipient_email", "account=1001&recipient_email=shopper100@example.com"},
		{"tracking_id", "tracking_id=" + tid},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			benchGet(b, h, "/v4/track/orders/info/?"+k.query, "Authorization", "Bearer "+e.tokenA)
		})
	}
	b.Run("public_signed_order_number", func(b *testing.B) {
		q := auth.SignedQuery(e.acctA, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "S-000100"}, 0, time.Now())
		benchGet(b, h, "/v4/track/orders/info/?"+q.Encode())
	})
}

// BenchmarkPageRender100k renders the shopper page of a three-parcel order, lookup included.
func BenchmarkPageRender100k(b *testing.B) {
	e := seed100k(b)
	if code, body := e.do(b, "PUT", "/v4/track/orders/", e.tokenA, richOrder(nil)); code != http.StatusCreated && code != http.StatusOK {
		b.Fatalf("seed the three-parcel order: %d %s", code, body)
	}
	h := e.srv.Handler()
	q := auth.SignedQuery(e.acctA, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "R-100"}, 0, time.Now())
	benchGet(b, h, "/track?"+q.Encode()+"&lang=de")
}

// BenchmarkWidgetCachedHit100k measures a repeated widget request (resolution, ETag, LRU hit).
func BenchmarkWidgetCachedHit100k(b *testing.B) {
	e := seed100k(b)
	h := e.srv.Handler()
	q := auth.SignedQuery(e.acctA, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "S-000100"}, 0, time.Now())
	benchGet(b, h, "/v4/track/orders/info-widget/?"+q.Encode())
	st := e.srv.responses.Stats()
	entries, bytes := st.Entries, st.Bytes
	b.ReportMetric(float64(entries), "cache-entries")
	b.ReportMetric(float64(bytes), "cache-bytes")
}
