package postgres_test

import (
	"context"
	"testing"

	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
)

// Instances started at the same moment on an empty database migrate it once: every Open
// succeeds and each migration is recorded once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	const instances = 4
	errs := make(chan error, instances)
	dbs := make(chan *postgres.DB, instances)
	for range instances {
		go func() {
			db, err := postgres.Open(context.Background(), dsn)
			errs <- err
			if err == nil {
				dbs <- db
			}
		}()
	}
	for range instances {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(dbs)
	var db *postgres.DB
	for d := range dbs {
		db = d
		t.Cleanup(func() { d.Close() })
	}
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
