package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/storetest"
)

// The SQLite store runs the suite always, on a new file per test.
func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return sqliteStore{db}
	})
}

// The PostgreSQL store runs the suite when ORDERSTATUS_TEST_POSTGRES names a server, on a
// new schema per test.
func TestPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := postgres.Open(context.Background(), pgtest.Schema(t, dsn), postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return postgresStore{db}
	})
}

type sqliteStore struct{ *sqlite.DB }

func (s sqliteStore) Votes(ctx context.Context, orderID string) ([]storetest.Vote, error) {
	fs, err := s.Feedback(ctx, orderID)
	var out []storetest.Vote
	for _, f := range fs {
		out = append(out, storetest.Vote{TrackingID: f.TrackingID, Topic: f.Topic, Vote: f.Vote, CreatedAt: f.CreatedAt})
	}
	return out, err
}

func (s sqliteStore) RawValues(ctx context.Context, query string) ([]string, error) {
	rows, err := s.SQL().QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([][]byte, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			out = append(out, string(v))
		}
	}
	return out, rows.Err()
}

type postgresStore struct{ *postgres.DB }

func (s postgresStore) RawValues(ctx context.Context, query string) ([]string, error) {
	rows, err := s.Pool().Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([][]byte, len(rows.FieldDescriptions()))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			out = append(out, string(v))
		}
	}
	return out, rows.Err()
}

func (s postgresStore) Votes(ctx context.Context, orderID string) ([]storetest.Vote, error) {
	fs, err := s.Feedback(ctx, orderID)
	var out []storetest.Vote
	for _, f := range fs {
		out = append(out, storetest.Vote{TrackingID: f.TrackingID, Topic: f.Topic, Vote: f.Vote, CreatedAt: f.CreatedAt})
	}
	return out, err
}

// BenchmarkIngest stores new orders of 2 trackings × 5 checkpoints through status.Ingest from
// 32 concurrent clients, on each engine:
//
//	.ci/with-postgres go test ./internal/storetest -run X -bench Ingest -benchtime 2000x
func BenchmarkIngest(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchIngest(b, db)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := pgtest.DSN(b)
		db, err := postgres.Open(context.Background(), pgtest.Schema(b, dsn+"&pool_max_conns=16"), postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchIngest(b, db)
	})
}

func benchIngest(b *testing.B, s status.Store) {
	ctx := context.Background()
	acct := status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}
	if err := s.CreateAccount(ctx, acct, nil); err != nil {
		b.Fatal(err)
	}
	in := &status.Ingest{Store: s, Now: time.Now}
	var n atomic.Int64
	b.SetParallelism(16) // × GOMAXPROCS (2 here) = 32 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			var trackings []any
			for t := range 2 {
				var cps []any
				for c := range 5 {
					cps = append(cps, map[string]any{"status_code": "InTransit", "event_timestamp": fmt.Sprintf("2026-03-0%dT08:00:00Z", c+1)})
				}
				trackings = append(trackings, map[string]any{"courier": "dhl", "tracking_number": fmt.Sprintf("TN-%d-%d", i, t), "checkpoints": cps})
			}
			body, _ := json.Marshal(map[string]any{"order_number": fmt.Sprint("B-", i), "recipient_email": "e@example.com", "trackings": trackings})
			if _, _, err := in.Save(ctx, acct, body, false); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkLookup finds an order by number and loads it, as an info request does, from 32
// concurrent clients over 2,000 stored orders:
//
//	.ci/with-postgres go test ./internal/storetest -run X -bench Lookup -benchtime 5000x
func BenchmarkLookup(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchLookup(b, db)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := pgtest.DSN(b)
		db, err := postgres.Open(context.Background(), pgtest.Schema(b, dsn+"&pool_max_conns=16"), postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchLookup(b, db)
	})
}

func benchLookup(b *testing.B, s status.Store) {
	ctx := context.Background()
	acct := status.Account{ID: 1001, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}
	if err := s.CreateAccount(ctx, acct, nil); err != nil {
		b.Fatal(err)
	}
	in := &status.Ingest{Store: s, Now: time.Now}
	const orders = 2000
	for i := range orders {
		body, _ := json.Marshal(map[string]any{"order_number": fmt.Sprint("L-", i), "recipient_email": "e@example.com",
			"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": fmt.Sprint("TN-L-", i),
				"checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-03-01T08:00:00Z"}}}}})
		if _, _, err := in.Save(ctx, acct, body, false); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1) % orders
			ids, err := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: fmt.Sprint("L-", i)}, 10)
			if err != nil || len(ids) != 1 {
				b.Errorf("lookup L-%d: %v %v", i, ids, err)
				return
			}
			if _, err := s.Order(ctx, ids[0]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
