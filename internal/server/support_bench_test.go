package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// seedBulk writes n orders with one tracking each straight into the tables, in one
// transaction (about ten seconds for 100,000 with the pure-Go SQLite): customer C-<i mod n/2> and email
// user<i mod n/2>@example.com have two orders each, split over accounts 1001 and 1002.
func seedBulk(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	// One connection with its statement journals in memory and a big page cache: the bulk
	// insert then takes seconds instead of tens of seconds.
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	for _, p := range []string{`PRAGMA temp_store = MEMORY`, `PRAGMA cache_size = -262144`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			tb.Fatal(err)
		}
	}
	defer conn.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference,
		customer_number, recipient_email, order_date, created_at, updated_at, version, doc) VALUES (?, ?, ?, '', NULL, NULL, ?, ?, ?, ?, ?, 1, ?) RETURNING seq`)
	if err != nil {
		tb.Fatal(err)
	}
	trk, err := tx.PrepareContext(ctx, `INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
		VALUES (?, ?, ?, 0, 'dhl-germany', ?, NULL, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		acct, cust := int64(1001+i%2), i%(n/2)
		ts := status.FormatTimestamp(base.Add(time.Duration(i) * time.Minute))
		doc := fmt.Sprintf(`{"account":%d,"order_number":"N-%07d","recipient_name":"Customer %d","recipient_email":"user%d@example.com","customer_number":"C-%06d","order_date":%q}`,
			acct, i, cust, cust, cust, ts)
		var seq int64
		if err := ins.QueryRowContext(ctx, fmt.Sprintf("o_bulk%08d", i), acct, fmt.Sprintf("N-%07d", i), fmt.Sprintf("C-%06d", cust),
			fmt.Sprintf("user%d@example.com", cust), ts, ts, ts, doc).Scan(&seq); err != nil {
			tb.Fatal(err)
		}
		tn := fmt.Sprintf("TN%012d", i)
		if _, err := trk.ExecContext(ctx, fmt.Sprintf("t_bulk%08d", i), seq, acct, tn,
			fmt.Sprintf(`{"tracking_number":%q,"courier":"dhl-germany","courier_name":"DHL"}`, tn)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkSupportSearch measures the whole search page over 100,000 orders, in process:
// session check, audit entry, the indexed search, loading the matches and rendering.
//
//	go test ./internal/server/ -run '^$' -bench SupportSearch -benchtime 2000x
func BenchmarkSupportSearch(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, id := range []int64{1001, 1002} {
		if err := db.CreateAccount(ctx, status.Account{ID: id, Name: fmt.Sprint("Shop ", id), SigningKey: "k", CallbackSecret: "c", PublicView: "status"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	seedBulk(b, db, n)
	b.Logf("seeded %d orders in %s", n, time.Since(start).Round(time.Millisecond))
	hash, _ := auth.HashPassword(staffPassword)
	if _, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: "boss@example.com", Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{BaseURL: "http://example.test"}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	login := httptest.NewRequest("POST", "/support/login", strings.NewReader(url.Values{"email": {"boss@example.com"}, "password": {staffPassword}}.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("login: %d", rec.Code)
	}
	for _, tc := range []struct {
		name string
		q    func(i int) string
	}{
		{"email", func(i int) string { return fmt.Sprintf("User%d@Example.com", i*7919%(n/2)) }},
		{"customer_number", func(i int) string { return fmt.Sprintf("C-%06d", i*7919%(n/2)) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			durations := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				req := httptest.NewRequest("GET", "/support/?q="+url.QueryEscape(tc.q(i)), nil)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				durations = append(durations, time.Since(t0))
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), "2 orders match") {
					b.Fatalf("search %q: %d", tc.q(i), rec.Code)
				}
			}
			slices.Sort(durations)
			b.ReportMetric(float64(durations[len(durations)/2].Nanoseconds()), "median-ns")
		})
	}
}
