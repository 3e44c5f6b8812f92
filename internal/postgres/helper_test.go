package postgres

import (
	"context"
	"testing"

	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/status"
)

// openTest opens a store on a fresh schema with accounts 1001 and 1002.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.Schema(t, pgtest.DSN(t)), Options{MasterKey: pgtest.MasterKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, id := range []int64{1001, 1002} {
		if err := db.CreateAccount(context.Background(), status.Account{ID: id, Name: "Shop", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	return db
}
