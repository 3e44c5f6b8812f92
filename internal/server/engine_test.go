package server

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// engineEnv chooses the engine the server tests run on: ORDERSTATUS_TEST_ENGINE=postgres runs
// every test of the package on the PostgreSQL server that ORDERSTATUS_TEST_POSTGRES names
// (.ci/with-postgres starts one), each test on a fresh schema; anything else runs them on
// SQLite files.
const engineEnv = "ORDERSTATUS_TEST_ENGINE"

// onPostgres says whether this run of the tests is on PostgreSQL.
var onPostgres = os.Getenv(engineEnv) == "postgres"

// engineStore is what the tests do to a store beyond Store, as the CLI and the demo loader do
// (tokens, staff users, session keys, callbacks) and the test clock. Both engines have it.
type engineStore interface {
	Store
	demo.Store
	callback.Store
	SetClock(now func() time.Time)
	Close() error
	AddToken(ctx context.Context, account int64, tokenHash []byte) error
	Tokens(ctx context.Context, account int64) ([]auth.APIToken, error)
	RevokeToken(ctx context.Context, account int64, id string) error
	RotateSessionKeys(ctx context.Context) (staffSessions int, err error)
	SetStaffPassword(ctx context.Context, email string, hash []byte) error
	DisableStaffUser(ctx context.Context, email string) error
	RevokeStaffSessions(ctx context.Context, user int64) (int, error)
}

var (
	_ engineStore = (*sqlite.DB)(nil)
	_ engineStore = (*postgres.DB)(nil)
)

// testStore is a store opened for a test: the engine's store, its tables through
// database/sql, and the SQLite store itself when the engine is SQLite (nil on PostgreSQL).
type testStore struct {
	db     engineStore
	raw    rawDB
	sqlite *sqlite.DB
}

// openTestStore opens the database that path stands for, closed when the test ends. On SQLite
// that is the file at path. On PostgreSQL it is a fresh schema the first time a path is
// opened and the same schema again for the same path, so that a test can restart a server on
// its database as it does on a file; the schema is dropped when the test that made it ends.
func openTestStore(t testing.TB, path string) testStore {
	t.Helper()
	ctx := context.Background()
	if !onPostgres {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return testStore{db: db, raw: rawDB{db: db.SQL()}, sqlite: db}
	}
	db, err := postgres.Open(ctx, pgSchemaFor(t, path), postgres.Options{MasterKey: pgtest.MasterKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return testStore{db: db, raw: rawDB{db: stdlib.OpenDBFromPool(db.Pool()), pg: true}}
}

// pgSchemas maps the paths tests opened to the DSNs of their schemas; kept are the drops of
// the schemas that outlive their test (keepTestStore), run when the package's tests end.
var pgSchemas = struct {
	sync.Mutex
	dsn  map[string]string
	kept []func() error
}{dsn: map[string]string{}}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, drop := range pgSchemas.kept {
		if err := drop(); err != nil {
			fmt.Fprintln(os.Stderr, "drop a kept test schema:", err)
		}
	}
	os.Exit(code)
}

// keepTestStore makes the database at path outlive the test that opens it first, until the
// package's tests end: a dataset that several benchmarks share. SQLite files need nothing.
func keepTestStore(t testing.TB, path string) {
	t.Helper()
	if !onPostgres {
		return
	}
	dsn, drop, err := pgtest.NewSchema(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	pgSchemas.Lock()
	defer pgSchemas.Unlock()
	pgSchemas.dsn[path] = dsn
	pgSchemas.kept = append(pgSchemas.kept, drop)
}

func pgSchemaFor(t testing.TB, path string) string {
	t.Helper()
	pgSchemas.Lock()
	defer pgSchemas.Unlock()
	if dsn, ok := pgSchemas.dsn[path]; ok {
		return dsn
	}
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	pgSchemas.dsn[path] = dsn
	t.Cleanup(func() {
		pgSchemas.Lock()
		delete(pgSchemas.dsn, path)
		pgSchemas.Unlock()
	})
	return dsn
}

// needSQLite skips a test that reads what only an SQLite file has (its query plans, its
// backup, the group-commit writer) when the tests run on PostgreSQL, where
// internal/postgres tests the same concern its own way.
func needSQLite(t testing.TB, why string) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only: " + why)
	}
}

// rawDB is the database under test through database/sql, for the few tests that read tables
// directly. Queries are written with ? placeholders, which it numbers ($1, $2, …) on
// PostgreSQL.
type rawDB struct {
	db *sql.DB
	pg bool
}

func (r rawDB) query(q string) string {
	if !r.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r rawDB) QueryRow(q string, args ...any) *sql.Row {
	return r.db.QueryRow(r.query(q), args...)
}

func (r rawDB) Query(q string, args ...any) (*sql.Rows, error) {
	return r.db.Query(r.query(q), args...)
}

func (r rawDB) Exec(q string, args ...any) (sql.Result, error) {
	return r.db.Exec(r.query(q), args...)
}

// tables lists the tables of the database, sorted by name.
func (r rawDB) tables(t testing.TB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if r.pg {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	rows, err := r.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
