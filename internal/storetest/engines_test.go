package storetest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/sqlite"
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
		db, err := postgres.Open(context.Background(), pgtest.Schema(t, dsn))
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

type postgresStore struct{ *postgres.DB }

func (s postgresStore) Votes(ctx context.Context, orderID string) ([]storetest.Vote, error) {
	fs, err := s.Feedback(ctx, orderID)
	var out []storetest.Vote
	for _, f := range fs {
		out = append(out, storetest.Vote{TrackingID: f.TrackingID, Topic: f.Topic, Vote: f.Vote, CreatedAt: f.CreatedAt})
	}
	return out, err
}
