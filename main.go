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
	"syscall"
	_ "time/tzdata" // IANA zones for validation and display, even on hosts without zoneinfo

	"github.com/orderstatus/orderstatus/internal/cli"
)

//go:embed data/demo
var demoFS embed.FS

func main() {
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
