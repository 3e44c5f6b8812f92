// Package sqlite implements the orderstatus store on modernc.org/sqlite, an embedded database
// in one file.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/orderstatus/orderstatus/internal/auth"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the store. It is safe for concurrent use.
type DB struct {
	db    *sql.DB
	now   func() time.Time
	stmts stmtCache
	// Group commit of order writes (writer.go).
	jobs       chan *writeJob
	closed     chan struct{}
	writerDone chan struct{}
	stats      writerStats
	cacheStats cacheCounters
	closeOnce  sync.Once
	// Accounts' callback URLs, read for every order write that causes callbacks (outbox.go).
	callbackURLs struct {
		mu sync.Mutex
		m  map[int64]cachedCallbackURL
	}
	// key seals the secrets kept in the database (secrets.go).
	key *auth.MasterKey
	// changes announces committed writes to caches (changes.go).
	changes changeFeed
}

// Options are how a database is opened.
type Options struct {
	// MasterKey is the key that encrypts the secrets kept in the database (32 bytes). When
	// nil, the key is read from KeyFile, which is created with a fresh key on first use.
	MasterKey []byte
	// KeyFile is where the master key lives when MasterKey is nil; "" is KeyFileFor(path).
	KeyFile string
	// CacheMiB is SQLite's page cache for all connections together, in MiB; 0 is
	// DefaultCacheMiB.
	CacheMiB int
}

// DefaultCacheMiB is the page cache of all connections together. Pages SQLite does not keep
// come from the operating system's file cache at the cost of a read call, so a cache bounded
// well below a large database costs little, while 64 MiB per connection (the setting
// before) let eight connections hold half a GiB at a million orders. At a million orders
// under random lookups, 48 MiB served more requests per second than 128 MiB (5,177–5,855
// against 4,294–4,558, side by side) with 300 MiB of resident memory instead of 770–870.
const DefaultCacheMiB = 48

// maxConns is how many connections the pool opens.
const maxConns = 8

// KeyFileFor is the default master key file of the database at path: beside it, named so
// that copying "orderstatus.db*" does not take the key along.
func KeyFileFor(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".master-key")
}

// Open opens (creating if needed) the database file at path with the master key in the
// default key file (KeyFileFor) and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) { return OpenWith(ctx, path, Options{}) }

// OpenWith opens (creating if needed) the database file at path and applies pending
// migrations. The database file and SQLite's files beside it are made readable by the owner
// only. Secrets still stored in plaintext (by a version before secrets were encrypted) are
// encrypted with the master key on the first open; a master key that does not open the
// database's secrets is auth.ErrWrongMasterKey.
func OpenWith(ctx context.Context, path string, opt Options) (*DB, error) {
	material, newKeyFile := opt.MasterKey, ""
	if material == nil {
		kf := opt.KeyFile
		if kf == "" {
			kf = KeyFileFor(path)
		}
		var err error
		material, err = auth.ReadKeyFile(kf)
		if errors.Is(err, fs.ErrNotExist) {
			// Written only once the database turns out to need a new key (below).
			material, newKeyFile, err = auth.NewMasterKeyMaterial(), kf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	key, err := auth.NewMasterKey(material)
	if err != nil {
		return nil, err
	}
	if err := ownerOnly(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	// WAL lets readers proceed while one writer commits; synchronous=NORMAL is durable across
	// application crashes in WAL mode and avoids an fsync per commit.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Writers wait for each other instead of failing with SQLITE_BUSY.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	// Each connection's page cache is its share of opt.CacheMiB (a negative cache_size is
	// KiB). mmap_size made no measurable difference to ingest or import, so it is left off.
	cacheMiB := opt.CacheMiB
	if cacheMiB <= 0 {
		cacheMiB = DefaultCacheMiB
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", max(cacheMiB*1024/maxConns, 1024)))
	// Statement and savepoint journals (each order write runs in a savepoint of the group
	// commit) stay in memory instead of temporary files.
	q.Add("_pragma", "temp_store(MEMORY)")
	// A checkpoint copies the WAL into the database file and syncs both; under steady ingest
	// those syncs stalled the writer. Checkpointing every 10,000 pages (40 MiB of WAL) instead
	// of 1,000 syncs a tenth as often and writes each hot index page once per checkpoint.
	q.Add("_pragma", "wal_autocheckpoint(10000)")
	// BEGIN IMMEDIATE takes the write lock up front, so a read-then-write transaction never
	// fails half way with a lock upgrade error.
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxConns)
	// Keep every connection: opening one runs the pragmas and reads the schema again.
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(0)
	s := &DB{db: db, now: time.Now, jobs: make(chan *writeJob), closed: make(chan struct{}), writerDone: make(chan struct{}), key: key}
	if s.changes.shared, err = openSharedCounter(writesFile(path)); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", writesFile(path), err)
	}
	s.changes.base = s.changes.shared.load()
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if newKeyFile != "" {
		if err := s.createKeyFile(ctx, newKeyFile, material); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := s.sealSecrets(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	go s.writer()
	return s, nil
}

// Close stops the writer and closes the database.
func (s *DB) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		<-s.writerDone
	})
	return s.db.Close()
}

// SetClock replaces the clock (tests).
func (s *DB) SetClock(now func() time.Time) { s.now = now }

// SQL returns the underlying handle for packages that keep their own tables in this database
// (auth, callback). They must use their own migrations files registered here.
func (s *DB) SQL() *sql.DB { return s.db }

func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, s.now().UTC().Format(time.RFC3339))
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// tx runs fn in one transaction, committing when it returns nil.
func (s *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ownerOnly creates the database file at path readable by its owner only, and restricts an
// existing one and SQLite's files beside it (which SQLite creates with the database file's
// mode) the same way.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal", writesFile(path)} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Backup writes a consistent copy of the live database to path (VACUUM INTO), a new file
// readable by its owner only. The copy's secrets stay encrypted with the master key, which
// is not in it.
func (s *DB) Backup(ctx context.Context, path string) error {
	if strings.ContainsRune(path, 0) {
		return errors.New("invalid path")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return err
	}
	return os.Chmod(path, 0o600)
}

// Setting returns a stored setting, or nil when it is not set. Settings are stored
// encrypted with the master key.
func (s *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.openSetting(key, v)
}

// SettingOrInit returns the setting key, storing init() first when it is not set yet. Two
// processes starting at once agree on one value.
func (s *DB) SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error) {
	var v []byte
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var stored []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			v = init()
			_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, s.sealSetting(key, v))
			return err
		}
		if err != nil {
			return err
		}
		v, err = s.openSetting(key, stored)
		return err
	})
	return v, err
}

// ErrMigrationsPending is returned by Ready when the database lacks migrations this binary
// carries (another process opened it with an older binary and this one has not migrated it).
var ErrMigrationsPending = errors.New("database migrations pending")

// Ping checks that the database answers (liveness).
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Ready reports whether the database answers queries and has every migration of this binary
// applied.
func (s *DB) Ready(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	applied := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return err
	}
	defer rows.Close()
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
	for _, n := range names {
		if !applied[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrMigrationsPending, strings.Join(missing, ", "))
	}
	return nil
}
