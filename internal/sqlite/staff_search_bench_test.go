package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// seedOrders inserts n orders (one tracking each) straight into the tables in one
// transaction: customer i%50000 has two orders, email user<i%50000>@example.com likewise.
// Accounts 1001 and 1002 share the orders half and half.
func seedOrders(b testing.TB, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	// One connection with its statement journals in memory and a big page cache: the bulk
	// insert then takes seconds instead of tens of seconds.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, p := range []string{`PRAGMA temp_store = MEMORY`, `PRAGMA cache_size = -262144`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	defer conn.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference,
		customer_number, recipient_email, order_date, created_at, updated_at, version, doc) VALUES (?, ?, ?, '', NULL, ?, ?, ?, ?, ?, ?, 1, '{}') RETURNING seq`)
	if err != nil {
		b.Fatal(err)
	}
	trk, err := tx.PrepareContext(ctx, `INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
		VALUES (?, ?, ?, 0, 'dhl-germany', ?, NULL, '{}')`)
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		acct := int64(1001 + i%2)
		cust := i % (n / 2)
		ts := status.FormatTimestamp(base.Add(time.Duration(i) * time.Minute))
		var seq int64
		if err := ins.QueryRowContext(ctx, fmt.Sprintf("o_%08d", i), acct, fmt.Sprintf("N-%07d", i), fmt.Sprintf("ERP-%07d", i),
			fmt.Sprintf("C-%06d", cust), fmt.Sprintf("user%d@example.com", cust), ts, ts, ts).Scan(&seq); err != nil {
			b.Fatal(err)
		}
		if _, err := trk.ExecContext(ctx, fmt.Sprintf("t_%08d", i), seq, acct, fmt.Sprintf("TN%012d", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSearchOrders measures a support search over 100,000 orders in both accounts, as an
// admin runs it, and reports the median as well as the mean.
//
//	go test ./internal/sqlite/ -run '^$' -bench SearchOrders -benchtime 2000x
func BenchmarkSearchOrders(b *testing.B) {
	const n = 100_000
	db := openTest(b)
	start := time.Now()
	seedOrders(b, db, n)
	b.Logf("seeded %d orders in %s", n, time.Since(start).Round(time.Millisecond))
	for _, tc := range []struct {
		name string
		text func(i int) string
	}{
		{"email", func(i int) string { return fmt.Sprintf("USER%d@example.com", i*7919%(n/2)) }},
		{"customer_number", func(i int) string { return fmt.Sprintf("C-%06d", i*7919%(n/2)) }},
		{"order_number", func(i int) string { return fmt.Sprintf("n-%07d", i*7919%n) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			durations := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				q := status.ParseSearch(tc.text(i))
				q.Accounts = []int64{1001, 1002}
				t0 := time.Now()
				ids, _, err := db.SearchOrders(ctx, q)
				durations = append(durations, time.Since(t0))
				if err != nil || len(ids) == 0 {
					b.Fatalf("search %q: %v, %d results", q.Text, err, len(ids))
				}
			}
			slices.Sort(durations)
			b.ReportMetric(float64(durations[len(durations)/2].Nanoseconds()), "median-ns")
		})
	}
}
