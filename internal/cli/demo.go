package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/demo"
)

// cmdDemo runs the demo tools: `demo generate` writes realistic order payloads as JSON lines
// for `orderstatus import` (load tests, benchmarks at a million orders).
func cmdDemo(_ context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "generate" {
		return errors.New("usage: orderstatus demo generate --orders N [--accounts 1001,1002] [--seed S] [--out FILE]")
	}
	fl := newFlagSet("demo generate", env)
	orders := fl.Int("orders", 1000, "number of orders")
	accounts := fl.String("accounts", "1001,1002", "comma-separated account ids the orders belong to")
	seed := fl.Uint64("seed", 1, "random seed: the same seed writes the same orders")
	out := fl.String("out", "", "file to write (default: standard output)")
	if err := fl.Parse(args[1:]); err != nil {
		return errUsage
	}
	if *orders < 0 {
		return errors.New("--orders must not be negative")
	}
	var ids []int64
	for _, a := range strings.Split(*accounts, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--accounts: %q is not an account id", a)
		}
		ids = append(ids, id)
	}
	w := env.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return demo.Generate(w, demo.GenerateOptions{Orders: *orders, Accounts: ids, Seed: *seed, Now: time.Now()})
}
