// Command orderstatus serves order status pages, the order info API, the email widget and
// the support console from one binary and one SQLite file. Run it without arguments for a
// demo.
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // IANA zones for validation and display, even on hosts without zoneinfo

	"github.com/orderstatus/orderstatus/internal/cli"
)

//go:embed data/demo
var demoFS embed.FS

// gcPercent is the garbage collector's target when GOGC is not set. The Go heap stays small
// (SQLite's page cache lives outside it), so at the default of 100 the collector ran
// constantly under ingest; 400 costs a few MiB and gives ingest and import 10-15% more
// throughput. The ingest benchmarks run with the same setting.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "orderstatus:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	demo, err := fs.Sub(demoFS, "data/demo")
	if err != nil {
		return err
	}
	return cli.Run(ctx, args, cli.Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr, Demo: demo})
}
