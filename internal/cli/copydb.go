package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// copyTable is one table that copy-db moves, with its columns as both schemas name them.
type copyTable struct {
	name string
	// cols are the PostgreSQL columns; from, when set, the SQLite expressions for them.
	cols, from []string
	// conv converts the values of some columns (by index) from SQLite's types.
	conv map[int]func(any) (any, error)
}

// copyTables lists every table of the SQLite store, parents before children. A table that
// the SQLite database has and this list lacks stops copy-db before it writes anything, so
// that nothing is left behind silently.
var copyTables = []copyTable{
	{name: "accounts", cols: []string{"id", "name", "signing_key", "previous_signing_key", "callback_secret", "settings", "created_at"}},
	{name: "account_logos", cols: []string{"account_id", "content_type", "sha256", "data", "created_at"}, conv: map[int]func(any) (any, error){3: toBytes}},
	{name: "api_tokens", cols: []string{"hash", "id", "account_id", "created_at", "expires_at", "last_used_at"}},
	{name: "settings", cols: []string{"key", "value"}, conv: map[int]func(any) (any, error){1: toBytes}},
	{name: "orders", cols: []string{"seq", "id", "account_id", "order_number", "client_key", "external_order_id", "external_reference",
		"customer_number", "recipient_email", "order_date", "created_at", "updated_at", "version", "doc"}},
	{name: "trackings", cols: []string{"seq", "id", "order_seq", "account_id", "position", "courier", "tracking_number", "external_reference", "doc"}},
	// The rowid keeps the order of checkpoints with equal timestamps; dedupe keys hold NUL
	// bytes, which PostgreSQL text cannot, so they become bytea.
	{name: "checkpoints", cols: []string{"seq", "tracking_seq", "dedupe_key", "event_timestamp", "status_code", "doc"},
		from: []string{"rowid", "tracking_seq", "dedupe_key", "event_timestamp", "status_code", "doc"},
		conv: map[int]func(any) (any, error){2: toBytes}},
	{name: "rate_limits", cols: []string{"key", "window_start", "failures"}, conv: map[int]func(any) (any, error){1: toTime}},
	{name: "feedback", cols: []string{"id", "order_id", "tracking_id", "topic", "vote", "created_at"}},
	{name: "labels", cols: []string{"tracking_id", "order_id", "content_type", "data", "created_at"}, conv: map[int]func(any) (any, error){3: toBytes}},
	{name: "callbacks", cols: []string{"seq", "id", "account_id", "order_id", "tracking_id", "event", "url", "payload", "state", "attempts",
		"created_at", "expires_at", "next_attempt_at", "locked_until", "lease", "claimed_at", "delivered_at", "last_status", "last_error"}},
	{name: "callback_attempts", cols: []string{"delivery_id", "attempt", "started_at", "duration_ms", "status_code", "error"}},
	{name: "carrier_refreshes", cols: []string{"tracking_id", "refreshed_at"}},
	{name: "staff_users", cols: []string{"id", "email", "role", "password_hash", "disabled", "session_epoch", "created_at", "updated_at"},
		conv: map[int]func(any) (any, error){4: toBool}},
	{name: "staff_user_accounts", cols: []string{"user_id", "account_id"}},
	{name: "staff_sessions", cols: []string{"id_hash", "user_id", "created_at", "last_seen_at", "client_addr", "user_agent"}},
	{name: "login_attempts", cols: []string{"id", "email", "client_addr", "at"}, conv: map[int]func(any) (any, error){3: toTime}},
	{name: "audit_log", cols: []string{"id", "at", "user_id", "user_email", "action", "query", "order_id", "account_id"}},
	{name: "order_notes", cols: []string{"id", "order_id", "account_id", "user_id", "user_email", "body", "created_at"}},
}

// identityTables are the tables whose generated keys are copied; their sequences continue
// after the copied rows.
var identityTables = map[string]string{"orders": "seq", "trackings": "seq", "checkpoints": "seq", "feedback": "id",
	"callbacks": "seq", "staff_users": "id", "login_attempts": "id", "audit_log": "id", "order_notes": "id"}

func toBytes(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(v), nil
	case []byte:
		return v, nil
	}
	return nil, fmt.Errorf("want text or blob, got %T", v)
}

func toTime(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return time.Parse(time.RFC3339Nano, v)
	case time.Time:
		return v, nil
	}
	return nil, fmt.Errorf("want a timestamp, got %T", v)
}

func toBool(v any) (any, error) {
	switch v := v.(type) {
	case int64:
		return v != 0, nil
	case bool:
		return v, nil
	}
	return nil, fmt.Errorf("want 0 or 1, got %T", v)
}

// cmdCopyDB copies an SQLite database into an empty PostgreSQL database and verifies the
// row counts of every table. The sealed secrets (signing keys, callback secrets, settings)
// are copied as they are: the PostgreSQL store seals them the same way, so they open there
// with the SQLite database's master key, which copy-db reads like every command does
// (ORDERSTATUS_MASTER_KEY, --master-key-file, or the key file beside the database) and which
// the servers on PostgreSQL must then be given.
func cmdCopyDB(ctx context.Context, args []string, env Env) error {
	fl := newFlagSet("copy-db", env)
	from := fl.String("from", "", "SQLite database file to copy")
	to := fl.String("to", "", "postgres:// URL of an empty database")
	keyFile := fl.String("master-key-file", env.Getenv("ORDERSTATUS_MASTER_KEY_FILE"), "file with the SQLite database's master key (default: beside the database)")
	if err := fl.Parse(args); err != nil || *from == "" || !strings.HasPrefix(*to, "postgres") || fl.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "usage: orderstatus copy-db --from PATH --to postgres://… [--master-key-file FILE]")
		return errUsage
	}
	if _, err := os.Stat(*from); err != nil {
		return err // sqlite.Open would create an empty database
	}
	key, err := copyDBKey(env.Getenv("ORDERSTATUS_MASTER_KEY"), *keyFile, *from)
	if err != nil {
		return err
	}
	// With the key given, opening never writes a new key file; a wrong key is refused.
	src, err := sqlite.OpenWith(ctx, *from, sqlite.Options{MasterKey: key})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, *to, postgres.Options{MasterKey: key})
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := copyDB(ctx, src.SQL(), dst.Pool())
	if err != nil {
		return err
	}
	out := map[string]any{"copied": counts}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintln(env.Stdout, string(b))
	return nil
}

// copyDBKey returns the master key of the SQLite database at path: ORDERSTATUS_MASTER_KEY
// (env), else the key file, else the file beside the database. Unlike serve, copy-db never
// makes a new key: without the source's key its sealed secrets cannot be opened.
func copyDBKey(env, keyFile, path string) ([]byte, error) {
	if env != "" {
		k, err := auth.ParseMasterKey(env)
		if err != nil {
			return nil, fmt.Errorf("ORDERSTATUS_MASTER_KEY: %w", err)
		}
		return k, nil
	}
	if keyFile == "" {
		keyFile = sqlite.KeyFileFor(path)
	}
	k, err := auth.ReadKeyFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("copy-db needs the master key of %s (ORDERSTATUS_MASTER_KEY or --master-key-file): %w", path, err)
	}
	return k, nil
}

// pgConn is what copyDB needs of a PostgreSQL pool.
type pgConn interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// copyDB copies every table from a consistent read of src into dst in one transaction, then
// compares the row count of each table on both sides. dst must hold no accounts or orders.
func copyDB(ctx context.Context, src *sql.DB, dst pgConn) (map[string]int64, error) {
	conn, err := src.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := knownTables(ctx, conn); err != nil {
		return nil, err
	}
	// A deferred read transaction: one snapshot of the whole file (WAL mode), without taking
	// the write lock from a server that may still be running on it.
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)

	var n int
	if err := dst.QueryRow(ctx, `SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM staff_users)`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errors.New("copy-db: the PostgreSQL database is not empty (it has accounts, orders or staff users)")
	}
	counts := map[string]int64{}
	err = pgx.BeginFunc(ctx, dst, func(tx pgx.Tx) error {
		// The empty database's master key check gives way to the source's, sealed with the
		// same key (cmdCopyDB opened both with it).
		if _, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = 'master_key_check'`); err != nil {
			return err
		}
		for _, tb := range copyTables {
			copied, err := copyRows(ctx, conn, tx, tb)
			if err != nil {
				return fmt.Errorf("copy %s: %w", tb.name, err)
			}
			counts[tb.name] = copied
		}
		for table, col := range identityTables {
			if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', '%[2]s'), coalesce((SELECT max(%[2]s) FROM %[1]s), 0) + 1, false)`, table, col)); err != nil {
				return fmt.Errorf("sequence of %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, tb := range copyTables {
		var want, got int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+tb.name).Scan(&want); err != nil {
			return nil, err
		}
		if err := dst.QueryRow(ctx, `SELECT count(*) FROM `+tb.name).Scan(&got); err != nil {
			return nil, err
		}
		if got != want || counts[tb.name] != want {
			return nil, fmt.Errorf("copy-db: %s has %d rows in SQLite and %d in PostgreSQL (%d copied)", tb.name, want, got, counts[tb.name])
		}
	}
	return counts, nil
}

// knownTables fails when the SQLite database has a table copy-db does not copy.
func knownTables(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations' ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var unknown []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if !slices.ContainsFunc(copyTables, func(t copyTable) bool { return t.name == name }) {
			unknown = append(unknown, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("copy-db does not know the SQLite tables %s: nothing copied", strings.Join(unknown, ", "))
	}
	return nil
}

// copyRows streams one table from SQLite into PostgreSQL with COPY.
func copyRows(ctx context.Context, conn *sql.Conn, tx pgx.Tx, tb copyTable) (int64, error) {
	from := tb.from
	if from == nil {
		from = tb.cols
	}
	rows, err := conn.QueryContext(ctx, `SELECT `+strings.Join(from, ", ")+` FROM `+tb.name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	src := &sqlRows{rows: rows, conv: tb.conv, vals: make([]any, len(tb.cols))}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{tb.name}, tb.cols, src)
	if err != nil {
		return n, err
	}
	if src.err != nil {
		return n, src.err
	}
	return n, rows.Err()
}

// sqlRows adapts database/sql rows to pgx.CopyFromSource.
type sqlRows struct {
	rows *sql.Rows
	conv map[int]func(any) (any, error)
	vals []any
	err  error
}

func (r *sqlRows) Next() bool { return r.err == nil && r.rows.Next() }

func (r *sqlRows) Values() ([]any, error) {
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return nil, err
	}
	out := slices.Clone(r.vals)
	for i, f := range r.conv {
		v, err := f(out[i])
		if err != nil {
			r.err = fmt.Errorf("column %d: %w", i, err)
			return nil, r.err
		}
		out[i] = v
	}
	return out, nil
}

func (r *sqlRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}
