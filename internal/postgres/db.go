// Package postgres implements the orderstatus store on PostgreSQL through pgx, for
// deployments that outgrow one SQLite file: several stateless instances may share one
// database (DESIGN §10). It mirrors internal/sqlite method for method, except for what only
// an SQLite file has (Backup, which is pg_dump's job here; SQL; the group-commit writer's
// WriterStats and BatchSizes; CacheStats of its statement and callback URL caches); the rules
// of what is stored come from internal/status, the store only persists. Secrets are sealed
// with the master key exactly as in internal/sqlite (secrets.go).
//
// Where SQLite serialises every writer, PostgreSQL runs writers in parallel, so the places
// that relied on that say how they stay correct here: order writes take row locks and
// advisory locks on the order's identity, rate limits lock their rows, outbox claims use
// FOR UPDATE SKIP LOCKED with a lease.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/housekeeping"
	"github.com/orderstatus/orderstatus/internal/status"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the pg_advisory_lock key under which migrations run, so that instances
// starting together against an empty database migrate it once.
const migrateLock int64 = 0x6f72646572737431 // "orderst1"

// The store interfaces DB implements.
var (
	_ status.Store       = (*DB)(nil)
	_ auth.LimitStore    = (*DB)(nil)
	_ auth.StaffStore    = (*DB)(nil)
	_ callback.Store     = (*DB)(nil)
	_ housekeeping.Store = (*DB)(nil)
)

// DB is the store. It is safe for concurrent use, also by several processes on one database.
type DB struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// channel is the LISTEN/NOTIFY channel of this database and schema (notify.go).
	channel string
	// ChangeFeed tells this instance's caches of its own writes at once (OnChange): a
	// notification reaches Listen only a moment after the commit, and the writer's next
	// request must not be served from a cache that has not heard of it yet.
	status.ChangeFeed
	// key seals the secrets kept in the database (secrets.go).
	key *auth.MasterKey
}

// Options are how a database is opened.
type Options struct {
	// MasterKey is the key that encrypts the secrets kept in the database (32 bytes, see
	// auth.ParseMasterKey), the same way internal/sqlite seals them. It is required: unlike an
	// SQLite file, a PostgreSQL database has no place beside it for a key file.
	MasterKey []byte
}

// DefaultMaxConns is the size of the connection pool when the DSN sets no pool_max_conns.
// pgxpool's own default (the number of CPUs, at least 4) suits work that keeps a CPU busy; a
// store connection mostly waits for round trips and row locks, and on a 2-core machine 32
// concurrent ingest clients stored 1.1 to 2 times more orders a second with 16 connections
// than with 4 (docs/operations.md, "Connection pools").
const DefaultMaxConns = 16

// ErrNoMasterKey: Open was given no master key.
var ErrNoMasterKey = errors.New("postgres: a master key is required (ORDERSTATUS_MASTER_KEY or a key file)")

// Open connects to the database named by dsn (a postgres:// URL or key=value string that
// pgx accepts, pool settings such as pool_max_conns included) and applies pending migrations.
// Secrets still stored in plaintext are sealed with the master key on the first open; a
// master key that does not open the database's secrets is auth.ErrWrongMasterKey.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if opt.MasterKey == nil {
		return nil, ErrNoMasterKey
	}
	key, err := auth.NewMasterKey(opt.MasterKey)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &DB{pool: pool, now: time.Now, key: key}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := s.sealSecrets(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.channel = channelPrefix + schema
	if len(s.channel) > 63 { // PostgreSQL refuses longer channel names
		s.channel = fmt.Sprintf("%s%016x", channelPrefix, uint64(lockKey(schema)))
	}
	return s, nil
}

// Close closes every connection of the pool.
func (s *DB) Close() error {
	s.pool.Close()
	return nil
}

// SetClock replaces the clock (tests).
func (s *DB) SetClock(now func() time.Time) { s.now = now }

// Ping checks that the database answers (health checks).
func (s *DB) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Pool returns the connection pool, for tests and tools that read the tables directly.
func (s *DB) Pool() *pgxpool.Pool { return s.pool }

// Migrations returns the names of the embedded migrations, in the order they apply.
func Migrations() []string {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	return names
}

// migrate applies pending migrations, each in its own transaction and recorded by name,
// while holding a session advisory lock: a second instance waits for the first and then
// finds nothing left to do.
func (s *DB) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL)`); err != nil {
		return err
	}
	for _, name := range Migrations() {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			// Without arguments pgx sends the file with the simple protocol, which runs
			// several statements.
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			_, err = tx.Exec(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, now())`, name)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// maxTxAttempts bounds how often a transaction is run again after PostgreSQL aborted it for
// a deadlock or a serialization failure, or (order writes) a uniqueness race.
const maxTxAttempts = 5

// tx runs fn in one transaction, committing when it returns nil. A transaction that
// PostgreSQL aborted because of a deadlock or a serialization failure runs again, so fn must
// reset whatever it collects.
func (s *DB) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for range maxTxAttempts {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

// retryable reports whether err aborted a transaction that may succeed when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// uniqueViolation returns the constraint (index) name of a failed unique constraint, or "".
func uniqueViolation(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName
	}
	return ""
}

// foreignKeyViolation reports whether err is a failed foreign key constraint.
func foreignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

// Setting returns a stored setting, or nil when it is not set. Settings are stored
// encrypted with the master key.
func (s *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.openSetting(key, v)
}

// SettingOrInit returns the setting key, storing init() first when it is not set yet.
// Instances starting at once agree on one value: the first insert wins and every caller
// reads what it stored.
func (s *DB) SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error) {
	v, err := s.Setting(ctx, key)
	if err != nil || v != nil {
		return v, err
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, s.sealSetting(key, init())); err != nil {
		return nil, err
	}
	var stored []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&stored); err != nil {
		return nil, err
	}
	return s.openSetting(key, stored)
}

// ErrMigrationsPending is returned by Ready when the database lacks migrations this binary
// carries (another instance runs an older binary and this one has not migrated it).
var ErrMigrationsPending = errors.New("database migrations pending")

// Ready reports whether the database answers queries and has every migration of this binary
// applied.
func (s *DB) Ready(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return err
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		applied[n] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, n := range Migrations() {
		if !applied[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrMigrationsPending, strings.Join(missing, ", "))
	}
	return nil
}
