package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sync"
	"time"

	"github.com/orderstatus/orderstatus/internal/carrier"
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
	db, err := c.open(ctx)
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

// importWorkers decode and validate lines in parallel; their writes share commits, and the
// more writes a commit holds the fewer WAL pages each one costs (8 workers: 1,900 orders/s,
// 32: 2,400).
const importWorkers = 32

type importLine struct {
	n       int
	body    []byte
	account int64
	ok      bool // the line is a JSON object (status.PeekOrder)
	tooLong bool // longer than maxImportLine; body is empty
}

// maxImportLine is the longest line import takes, the API's body limit. A longer line is
// reported as bad and skipped.
const maxImportLine = 1 << 20

type importResult struct {
	n       int
	created bool
	err     error // a problem with the line (reported, import goes on)
	fatal   error // a problem with the database (import stops)
}

// Import loads JSON lines of order payloads. Each line is stored whole or not at all; bad
// lines are reported on stderr by line number and the rest go on. Lines are processed by
// several workers, so concurrent writes share commits.
func Import(ctx context.Context, store status.Store, r io.Reader, env Env, now func() time.Time) (ImportResult, error) {
	start := time.Now()
	var res ImportResult
	in := &status.Ingest{Store: store, Now: now, Couriers: carrier.LoadDirectory()}
	var mu sync.Mutex
	accounts := map[int64]*status.Account{}
	account := func(id int64) *status.Account {
		mu.Lock()
		defer mu.Unlock()
		a, ok := accounts[id]
		if !ok {
			if got, err := store.Account(ctx, id); err == nil {
				a = &got
			}
			accounts[id] = a
		}
		return a
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Lines of the same order go to the same worker, so they apply in file order.
	var lines [importWorkers]chan importLine
	results := make(chan importResult)
	var wg sync.WaitGroup
	for w := range lines {
		lines[w] = make(chan importLine)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range lines[w] {
				results <- importOne(ctx, in, account, l)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer func() {
			for _, c := range lines {
				close(c)
			}
		}()
		br := bufio.NewReaderSize(r, 64*1024)
		n := 0
		for {
			body, tooLong, err := readLine(br, maxImportLine)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr <- fmt.Errorf("line %d: %w", n+1, err)
				return
			}
			n++
			if !tooLong && len(bytes.TrimSpace(body)) == 0 {
				continue
			}
			l := importLine{n: n, body: body, tooLong: tooLong}
			var id status.Identity
			if !tooLong {
				l.account, id, l.ok = status.PeekOrder(l.body)
			}
			select {
			case lines[worker(l.account, id)] <- l:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return
			}
		}
		readErr <- nil
	}()
	go func() { wg.Wait(); close(results) }()
	var fatal error
	lastReport := time.Now()
	for rs := range results {
		switch {
		case rs.fatal != nil:
			if fatal == nil {
				fatal = rs.fatal
				cancel()
			}
		case rs.err != nil:
			res.Rejected++
			fmt.Fprintf(env.Stderr, "line %d: %v\n", rs.n, rs.err)
		case rs.created:
			res.Created++
		default:
			res.Updated++
		}
		if time.Since(lastReport) > 2*time.Second {
			lastReport = time.Now()
			fmt.Fprintf(env.Stderr, "… %d stored, %d rejected\n", res.Created+res.Updated, res.Rejected)
		}
	}
	res.Elapsed = time.Since(start)
	if fatal != nil {
		return res, fatal
	}
	return res, <-readErr
}

// readLine returns the next line of r without its line ending, in a new slice. A line longer
// than max is read to its end and dropped: tooLong is true and line nil. At the end of the
// input err is io.EOF.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	read := false
	for {
		chunk, err := r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(line)+len(chunk) > max+2 { // room for "\r\n"
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !(errors.Is(err, io.EOF) && read) {
			return nil, false, err
		}
		break
	}
	if tooLong {
		return nil, true, nil
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > max {
		return nil, true, nil
	}
	return line, false, nil
}

func importOne(ctx context.Context, in *status.Ingest, account func(int64) *status.Account, l importLine) importResult {
	if l.tooLong {
		return importResult{n: l.n, err: fmt.Errorf("longer than %d bytes, the limit of one order payload", maxImportLine)}
	}
	if !l.ok {
		var v map[string]any
		if err := json.Unmarshal(l.body, &v); err != nil {
			return importResult{n: l.n, err: fmt.Errorf("malformed JSON: %v", err)}
		}
		return importResult{n: l.n, err: errors.New("a line must be one JSON object")}
	}
	acct := account(l.account)
	if acct == nil {
		return importResult{n: l.n, err: fmt.Errorf("account %d does not exist", l.account)}
	}
	_, created, err := in.Save(ctx, *acct, l.body, false)
	if err != nil {
		var verr *status.ValidationError
		if errors.As(err, &verr) {
			return importResult{n: l.n, err: err}
		}
		return importResult{n: l.n, fatal: fmt.Errorf("line %d: %w", l.n, err)}
	}
	return importResult{n: l.n, created: created}
}

// worker picks the worker of a line by its order's number (its external id when it has no
// number): lines of one order carry the same number, whether or not they also carry the
// external id.
func worker(account int64, id status.Identity) int {
	key := id.OrderNumber + "\x00" + id.ClientKey
	if id.OrderNumber == "" {
		key = id.ExternalOrderID
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\x00%s", account, key)
	return int(h.Sum32() % importWorkers)
}
