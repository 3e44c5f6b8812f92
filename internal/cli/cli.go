// Package cli implements the orderstatus command line (DESIGN §2): serve, account, link,
// import, backup and user.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"

	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// Env is what the commands may touch of the outside world.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Demo is the demo dataset (data/demo).
	Demo fs.FS
	// Ready, when set, is called with the listening address once serve accepts connections
	// (tests run the whole program on :0).
	Ready func(addr string)
}

const usage = `orderstatus: order status pages, API, email widget and support console

Usage:
  orderstatus                          same as: serve --demo
  orderstatus serve [--addr A] [--db PATH] [--base-url URL] [--demo]
                    [--trusted-proxies CIDR,...] [--log-format text|json] [--metrics-addr A]
                    [--cache-size 48MB]
  orderstatus account add --name N [--id ID]
  orderstatus account set --account ID [--callback-url URL] [--public-view status|none]
                          [--callback-mode changes|once] [--callback-topics T,…]
  orderstatus account rotate-key --account ID
  orderstatus account rotate-session-keys   ends every shopper and staff session
  orderstatus account token add|list|revoke --account ID [--ttl 90d] [--token tok_…]
  orderstatus callbacks retry --delivery ID   send a callback again now
  orderstatus link --account ID [--ttl 90d] [--widget] [--html] KEY=VALUE...
  orderstatus user add --email E --role admin|agent [--account ID]...   password from stdin
  orderstatus user passwd --email E    new password from stdin; ends the user's sessions
  orderstatus user disable --email E
  orderstatus user sessions --email E [--revoke]
  orderstatus import FILE              JSON lines, one order payload per line
  orderstatus backup PATH              consistent online copy of the database
  orderstatus copy-db --from PATH --to postgres://…   copy into an empty PostgreSQL database (same master key)
  orderstatus demo generate --orders N [--accounts 1001,1002] [--seed S] [--out FILE]
                                       realistic orders as JSON lines, for import
  orderstatus version                  module version, commit and Go version of this binary

Environment: ORDERSTATUS_ADDR (127.0.0.1:8080), ORDERSTATUS_DB (data/orderstatus.db, or postgres://…),
ORDERSTATUS_BASE_URL (http://<addr>), ORDERSTATUS_TRUSTED_PROXIES (none),
ORDERSTATUS_LOG_FORMAT (text), ORDERSTATUS_METRICS_ADDR (none), ORDERSTATUS_METRICS_TOKEN
(none: /metrics answers loopback only), ORDERSTATUS_CACHE_SIZE (48MB).
Secrets: ORDERSTATUS_MASTER_KEY (32 bytes, base64 or hex) or ORDERSTATUS_MASTER_KEY_FILE /
--master-key-file (default: <db name>.master-key beside the database, created 0600).
Callbacks: ORDERSTATUS_CALLBACKS_ALLOW_PRIVATE (false), ORDERSTATUS_CALLBACK_TIMEOUT (10s),
ORDERSTATUS_CALLBACK_BACKOFF (10s), ORDERSTATUS_CALLBACK_POLL (1s).
Carriers: ORDERSTATUS_DHL_API_KEY (enables DHL live refresh), ORDERSTATUS_DHL_BASE_URL
(https://api-eu.dhl.com).
`

// Run runs one command.
func Run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		args = []string{"serve", "--demo"}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], env)
	case "account":
		return cmdAccount(ctx, args[1:], env)
	case "callbacks":
		return cmdCallbacks(ctx, args[1:], env)
	case "link":
		return cmdLink(ctx, args[1:], env)
	case "user":
		return cmdUser(ctx, args[1:], env)
	case "import":
		return cmdImport(ctx, args[1:], env)
	case "backup":
		return cmdBackup(ctx, args[1:], env)
	case "copy-db":
		return cmdCopyDB(ctx, args[1:], env)
	case "demo":
		return cmdDemo(ctx, args[1:], env)
	case "version":
		return cmdVersion(args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// config is the resolved configuration: flags over environment over defaults.
type config struct {
	Addr    string
	DB      string
	BaseURL string
	// MasterKeyFile holds the master key that encrypts the database's secrets; "" is the
	// file beside the database (sqlite.KeyFileFor). masterKey, from ORDERSTATUS_MASTER_KEY,
	// wins over both.
	MasterKeyFile string
	masterKey     string
	// CacheMiB is SQLite's page cache, all connections together (sqlite.Options.CacheMiB).
	CacheMiB int
}

func (c *config) register(fl *flag.FlagSet, env Env) {
	def := func(k, d string) string {
		if v := env.Getenv(k); v != "" {
			return v
		}
		return d
	}
	fl.StringVar(&c.Addr, "addr", def("ORDERSTATUS_ADDR", "127.0.0.1:8080"), "listen address")
	fl.StringVar(&c.DB, "db", def("ORDERSTATUS_DB", "data/orderstatus.db"), "SQLite database file")
	fl.StringVar(&c.BaseURL, "base-url", def("ORDERSTATUS_BASE_URL", ""), "absolute URL links are built under")
	fl.StringVar(&c.MasterKeyFile, "master-key-file", def("ORDERSTATUS_MASTER_KEY_FILE", ""), "file with the master key that encrypts secrets (default: beside the database)")
	c.masterKey = env.Getenv("ORDERSTATUS_MASTER_KEY")
	cache, _ := strconv.Atoi(def("ORDERSTATUS_SQLITE_CACHE_MIB", "0"))
	fl.IntVar(&c.CacheMiB, "sqlite-cache-mib", cache, fmt.Sprintf("SQLite page cache of all connections together, MiB (0: %d)", sqlite.DefaultCacheMiB))
}

func (c *config) baseURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	return fl
}

// logger writes to stderr as logfmt text or as one JSON object per line (--log-format),
// through a logBuffer; the caller closes the buffer (which writes what waits) when done.
func logger(env Env, format string) (*slog.Logger, *logBuffer, error) {
	newHandler := func(w io.Writer, opt *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, opt) }
	switch format {
	case "", "text":
	case "json":
		newHandler = func(w io.Writer, opt *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, opt) }
	default:
		return nil, nil, fmt.Errorf("--log-format must be text or json, not %q", format)
	}
	buf := newLogBuffer(env.Stderr)
	return slog.New(flushOnWarn{newHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}), buf}), buf, nil
}

var errUsage = errors.New("invalid arguments (see orderstatus help)")
