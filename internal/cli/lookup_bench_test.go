package cli

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// BenchmarkLookup resolves lookups of every kind in process, as the info API, the page and
// the widget do before they render (auth.Service.Resolve: account, lookup, order), on
// generated orders picked at random, and reports p50 and p99. By default it seeds 1,000
// generated orders; ORDERSTATUS_BENCH_DB=FILE runs it on an existing database of generated
// orders (accounts 1001 and 1002, as `demo generate` and `import` make it), such as one with
// a million orders:
//
//	go test ./internal/cli -run X -bench Lookup -benchtime 2000x
//	ORDERSTATUS_BENCH_DB=/tmp/gen1m/new.db go test ./internal/cli -run X -bench Lookup -benchtime 2000x
func BenchmarkLookup(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("ORDERSTATUS_BENCH_DB")
	if path == "" {
		dir := b.TempDir()
		path = filepath.Join(dir, "lookup.db")
		for _, id := range []string{"1001", "1002"} {
			if _, _, err := runCmd(b, path, "", "account", "add", "--name", "Shop "+id, "--id", id); err != nil {
				b.Fatal(err)
			}
		}
		var lines bytes.Buffer
		if err := demo.Generate(&lines, demo.GenerateOptions{Orders: 1000, Accounts: []int64{1001, 1002}, Seed: 1, Now: time.Now()}); err != nil {
			b.Fatal(err)
		}
		store, err := (&config{DB: path}).openSQLite(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Import(ctx, store, &lines, Env{Stderr: io.Discard}, time.Now); err != nil {
			b.Fatal(err)
		}
		store.Close()
	}
	store, err := (&config{DB: path}).openSQLite(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	acct, err := store.Account(ctx, 1001)
	if err != nil {
		b.Fatal(err)
	}
	token := "bench-" + auth.HexKey(8)
	if err := store.AddToken(ctx, 1001, auth.HashToken(token)); err != nil {
		b.Fatal(err)
	}
	samples := lookupSamples(b, store, 2000)
	svc := &auth.Service{Store: store, Limits: store, Now: time.Now}
	now := time.Now()
	kinds := []struct {
		name  string
		token bool
		req   func(s lookupSample) status.InfoRequest
	}{
		{"order_number_public", false, func(s lookupSample) status.InfoRequest {
			return status.InfoRequest{Lookup: status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: s.number}}
		}},
		{"order_number_signed", false, func(s lookupSample) status.InfoRequest {
			l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: s.number}
			q := auth.SignedQuery(acct, l, 0, now)
			return status.InfoRequest{Lookup: l, Signature: q.Get("s")}
		}},
		{"tracking_number_public", false, func(s lookupSample) status.InfoRequest {
			return status.InfoRequest{Lookup: status.Lookup{Kind: status.ByTrackingNumber, Value: s.tracking, Courier: s.courier}}
		}},
		{"recipient_email_token", true, func(s lookupSample) status.InfoRequest {
			return status.InfoRequest{Lookup: status.Lookup{Kind: status.ByRecipientEmail, Account: 1001, Value: s.email}}
		}},
		{"customer_number_token", true, func(s lookupSample) status.InfoRequest {
			return status.InfoRequest{Lookup: status.Lookup{Kind: status.ByCustomerNumber, Account: 1001, Value: s.customer}}
		}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			reqs := make([]status.InfoRequest, len(samples))
			for i, s := range samples {
				reqs[i] = k.req(s)
			}
			c := auth.Caller{ClientAddr: "192.0.2.1"}
			if k.token {
				c.Token = token
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				g, err := svc.Resolve(ctx, reqs[i%len(reqs)], c)
				lat = append(lat, time.Since(t0))
				if err != nil || g.Order == nil {
					b.Fatalf("%s %+v: %v", k.name, reqs[i%len(reqs)].Lookup, err)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

type lookupSample struct{ number, email, customer, tracking, courier string }

// lookupSamples picks n orders of account 1001 at random, with their lookup values.
func lookupSamples(b *testing.B, store *sqlite.DB, n int) []lookupSample {
	b.Helper()
	var maxSeq int64
	if err := store.SQL().QueryRow(`SELECT max(seq) FROM orders`).Scan(&maxSeq); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var out []lookupSample
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		var s lookupSample
		err := store.SQL().QueryRow(`SELECT o.order_number, o.recipient_email, o.customer_number, t.tracking_number, t.courier
			FROM orders o JOIN trackings t ON t.order_seq = o.seq WHERE o.seq = ? AND o.account_id = 1001 LIMIT 1`, 1+r.Int64N(maxSeq)).
			Scan(&s.number, &s.email, &s.customer, &s.tracking, &s.courier)
		if err == nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		b.Fatal("no orders of account 1001 with a parcel")
	}
	return out
}
