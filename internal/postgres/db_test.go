package postgres_test

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
)

// Instances started at the same moment on an empty database migrate it once: every Open
// succeeds and each migration is recorded once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	const instances = 4
	errs := make([]error, instances)
	dbs := make([]*postgres.DB, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			dbs[i], errs[i] = postgres.Open(context.Background(), dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	db := dbs[0]
	rows, err := db.Pool().Query(context.Background(), `SELECT name, count(*) FROM migrations GROUP BY name ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("migration %s recorded %d times", name, n)
		}
		got = append(got, name)
	}
	if want := postgres.Migrations(); len(got) != len(want) {
		t.Errorf("applied %v, want %v", got, want)
	}
}

// A DSN without pool_max_conns gets DefaultMaxConns connections; one with it gets its own.
func TestPoolSize(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t)) // sets pool_max_conns=4
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	for _, tc := range []struct {
		dsn  string
		want int32
	}{{u.String(), postgres.DefaultMaxConns}, {dsn, 4}} {
		db, err := postgres.Open(context.Background(), tc.dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Pool().Config().MaxConns; got != tc.want {
			t.Errorf("%s: pool of %d connections, want %d", tc.dsn, got, tc.want)
		}
		db.Close()
	}
}
