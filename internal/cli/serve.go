package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/housekeeping"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/server"
	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// openSQLite opens the configured SQLite database, creating its directory when needed.
func (c *config) openSQLite(ctx context.Context) (*sqlite.DB, error) {
	if dir := filepath.Dir(c.DB); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	opt := sqlite.Options{KeyFile: c.MasterKeyFile, CacheMiB: c.CacheMiB}
	if c.masterKey != "" {
		k, err := auth.ParseMasterKey(c.masterKey)
		if err != nil {
			return nil, fmt.Errorf("ORDERSTATUS_MASTER_KEY: %w", err)
		}
		opt.MasterKey = k
	}
	return sqlite.OpenWith(ctx, c.DB, opt)
}

// serveStore is what serve runs on: the server's store, the callback outbox and the
// housekeeping job's, and the demo's. internal/sqlite and internal/postgres both are one.
type serveStore interface {
	server.Store
	callback.Store
	housekeeping.Store
	demo.Store
	Close() error
}

// store is what the commands need of a database: serve's, and the account, token, user and
// callback commands' own.
type store interface {
	serveStore
	CreateToken(ctx context.Context, t auth.APIToken) error
	Tokens(ctx context.Context, account int64) ([]auth.APIToken, error)
	RevokeToken(ctx context.Context, account int64, id string) error
	RotateSessionKeys(ctx context.Context) (staffSessions int, err error)
	StaffSessions(ctx context.Context, user int64) ([]auth.StaffSession, error)
	RevokeStaffSessions(ctx context.Context, user int64) (int, error)
	SetStaffPassword(ctx context.Context, email string, hash []byte) error
	DisableStaffUser(ctx context.Context, email string) error
	RetryCallback(ctx context.Context, id string) (callback.Delivery, error)
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgres.DB)(nil)
)

// isPostgres reports whether the database setting names a PostgreSQL server rather than an
// SQLite file.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// open opens the configured database: PostgreSQL for a postgres:// URL (with the master key,
// which it requires), else the SQLite file. Every command but backup and copy-db works on
// either.
func (c *config) open(ctx context.Context) (store, error) {
	if !isPostgres(c.DB) {
		return c.openSQLite(ctx)
	}
	key, err := c.masterKeyBytes()
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, errors.New("a PostgreSQL database needs its master key: set ORDERSTATUS_MASTER_KEY or --master-key-file")
	}
	return postgres.Open(ctx, c.DB, postgres.Options{MasterKey: key})
}

// masterKeyBytes is the configured master key: ORDERSTATUS_MASTER_KEY, else the key file
// given with --master-key-file; nil when neither is set.
func (c *config) masterKeyBytes() ([]byte, error) {
	if c.masterKey != "" {
		k, err := auth.ParseMasterKey(c.masterKey)
		if err != nil {
			return nil, fmt.Errorf("ORDERSTATUS_MASTER_KEY: %w", err)
		}
		return k, nil
	}
	if c.MasterKeyFile == "" {
		return nil, nil
	}
	return auth.ReadKeyFile(c.MasterKeyFile)
}

func cmdServe(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("serve", env)
	c.register(fl, env)
	withDemo := fl.Bool("demo", false, "load the demo dataset into an empty database and print links")
	var ops serveOps
	ops.register(fl, env)
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	log, logs, err := logger(env, ops.LogFormat)
	if err != nil {
		return err
	}
	defer logs.Close()
	integ, err := integrationsFromEnv(env.Getenv)
	if err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	// The base URL follows the real port when the address asked for any port (":0").
	if c.BaseURL == "" {
		c.Addr = ln.Addr().String()
	}
	pruned := &housekeeping.Counters{}
	scfg := server.Config{BaseURL: c.baseURL(), Assets: demoAssets(env),
		Carriers: integ.Carriers, AllowPrivateCallbacks: integ.Callbacks.AllowPrivate, Housekeeping: pruned}
	if err := ops.apply(&scfg, env); err != nil {
		ln.Close()
		return err
	}
	srv, err := server.New(scfg, db, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer srv.Close()
	integ.Callbacks.OnOutcome = srv.CountCallback
	metricsAddr, stopMetrics, err := ops.serveMetrics(ctx, srv, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	if *withDemo {
		info, err := demo.Load(ctx, db, env.Demo, time.Now())
		if err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
		demo.Print(env.Stdout, info, c.baseURL(), time.Now())
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	stopCallbacks := startCallbacks(ctx, db, integ.Callbacks, log)
	defer stopCallbacks()
	stopHousekeeping := startHousekeeping(ctx, db, pruned, log)
	defer stopHousekeeping()
	attrs := []any{"addr", ln.Addr().String(), "base_url", c.baseURL(), "db", c.DB}
	if metricsAddr != "" {
		attrs = append(attrs, "metrics_addr", metricsAddr)
	}
	log.Info("serving", attrs...)
	logs.Flush()
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func cmdBackup(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("backup", env)
	c.register(fl, env)
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		return fmt.Errorf("usage: orderstatus backup PATH")
	}
	dst := fl.Arg(0)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s already exists; choose a new file", dst)
	}
	if isPostgres(c.DB) {
		return errors.New("backup copies an SQLite database; back up PostgreSQL with pg_dump (see docs/operations.md)")
	}
	db, err := c.openSQLite(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dst); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", dst)
	return nil
}

// startHousekeeping runs the pruning job until the returned stop is called.
func startHousekeeping(ctx context.Context, db housekeeping.Store, counters *housekeeping.Counters, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	job := &housekeeping.Job{Store: db, Now: time.Now, Logger: log, Counters: counters}
	done := make(chan struct{})
	go func() {
		defer close(done)
		job.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// demoAssets are the demo's images, served under /demo/assets/.
func demoAssets(env Env) fs.FS {
	if env.Demo == nil {
		return nil
	}
	sub, err := fs.Sub(env.Demo, "assets")
	if err != nil {
		return nil
	}
	return sub
}
