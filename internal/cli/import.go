package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

func cmdImport(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("import", env)
	c.register(fl, env)
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		return errors.New("usage: orderstatus import FILE (JSON lines, one order payload per line)")
	}
	f, err := os.Open(fl.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := Import(ctx, db, f, env, time.Now)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d orders (%d created, %d updated), %d lines rejected, in %s\n",
		res.Created+res.Updated, res.Created, res.Updated, res.Rejected, res.Elapsed.Round(time.Millisecond))
	if res.Rejected > 0 {
		return fmt.Errorf("%d lines rejected", res.Rejected)
	}
	return nil
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created, Updated, Rejected int
	Elapsed                    time.Duration
}

// Import loads JSON lines of order payloads. Each line is stored whole or not at all; bad
// lines are reported on stderr by line number and the rest go on.
func Import(ctx context.Context, store status.Store, r interface{ Read([]byte) (int, error) }, env Env, now func() time.Time) (ImportResult, error) {
	start := time.Now()
	var res ImportResult
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20+1)
	in := &status.Ingest{Store: store, Now: now}
	accounts := map[int64]*status.Account{}
	line := 0
	lastReport := time.Now()
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var head struct {
			Account int64 `json:"account"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			res.Rejected++
			fmt.Fprintf(env.Stderr, "line %d: malformed JSON: %v\n", line, err)
			continue
		}
		acct, ok := accounts[head.Account]
		if !ok {
			a, err := store.Account(ctx, head.Account)
			if err != nil {
				accounts[head.Account] = nil
			} else {
				accounts[head.Account] = &a
			}
			acct = accounts[head.Account]
		}
		if acct == nil {
			res.Rejected++
			fmt.Fprintf(env.Stderr, "line %d: account %d does not exist\n", line, head.Account)
			continue
		}
		_, created, err := in.Save(ctx, *acct, b, false)
		if err != nil {
			var verr *status.ValidationError
			if !errors.As(err, &verr) {
				return res, fmt.Errorf("line %d: %w", line, err)
			}
			res.Rejected++
			fmt.Fprintf(env.Stderr, "line %d: %v\n", line, err)
			continue
		}
		if created {
			res.Created++
		} else {
			res.Updated++
		}
		if time.Since(lastReport) > 2*time.Second {
			lastReport = time.Now()
			fmt.Fprintf(env.Stderr, "… %d lines, %d stored, %d rejected\n", line, res.Created+res.Updated, res.Rejected)
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("line %d: %w", line+1, err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
