// Command loadbench measures orderstatus side by side with a static server: it builds the
// binary, seeds a fresh database with generated orders, starts `orderstatus serve` and a
// plain net/http server that returns the same bytes from memory, and runs wrk against both
// for /healthz, the shopper page, the info API and the widget, one after the other, printing
// each ratio. Then it measures ingest over TCP (PUT /v4/track/orders/ from concurrent
// clients) and a mixed run (info reads with wrk while ingest streams).
//
//	go run ./scripts/loadbench                       # this tree, 1,000 orders
//	go run ./scripts/loadbench -orders 100000 -d 10s
//	go run ./scripts/loadbench -src /tmp/old-tree    # another checkout, for before/after
//
// It needs wrk on PATH (apt-get install wrk). Ratios taken in one run are comparable; the
// absolute figures depend on what else the machine runs.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

type options struct {
	src, bin       string
	orders, ingest int
	duration       time.Duration
	threads, conns int
	clients        int
	keep           bool
	workdir        string
}

func run() error {
	var o options
	flag.StringVar(&o.src, "src", ".", "source tree to build orderstatus from")
	flag.StringVar(&o.bin, "bin", "", "use this orderstatus binary instead of building one")
	flag.IntVar(&o.orders, "orders", 1000, "orders seeded before the read runs")
	flag.IntVar(&o.ingest, "ingest", 30000, "orders generated for the ingest runs (at most this many are sent)")
	flag.DurationVar(&o.duration, "d", 5*time.Second, "duration of each wrk run and of each ingest run")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.IntVar(&o.conns, "c", 16, "wrk connections")
	flag.IntVar(&o.clients, "clients", 32, "concurrent ingest clients")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (database, logs)")
	flag.StringVar(&o.workdir, "workdir", "", "work directory (default: a new temporary one)")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not on PATH (apt-get install wrk)")
	}
	dir := o.workdir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "loadbench-"); err != nil {
			return err
		}
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(dir, "orderstatus")
		fmt.Printf("building %s\n", o.src)
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = o.src
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	db := filepath.Join(dir, "bench.db")
	tokens := map[string]string{}
	for _, id := range []string{"1001", "1002"} {
		out, err := output(bin, "account", "add", "--db", db, "--name", "Shop "+id, "--id", id)
		if err != nil {
			return err
		}
		var a struct {
			Token string `json:"api_token"`
		}
		if err := json.Unmarshal(out, &a); err != nil {
			return fmt.Errorf("account add: %w: %s", err, out)
		}
		tokens[id] = a.Token
	}
	gen := filepath.Join(dir, "orders.jsonl")
	if _, err := output(bin, "demo", "generate", "--orders", strconv.Itoa(o.orders+o.ingest), "--seed", "1", "--out", gen); err != nil {
		return err
	}
	seed, ingest, err := split(gen, filepath.Join(dir, "seed.jsonl"), o.orders)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := output(bin, "import", "--db", db, seed); err != nil {
		return err
	}
	fmt.Printf("seeded %d orders in %s (load: %s)\n", o.orders, time.Since(start).Round(time.Millisecond), load())

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	srv := exec.Command(bin, "serve", "--db", db, "--addr", addr)
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	if err := waitHealthy(base); err != nil {
		return err
	}
	number := firstNumber(seed)
	page, err := output(bin, "link", "--db", db, "--base-url", base, "--account", "1001", "order_number="+number)
	if err != nil {
		return err
	}
	widget, err := output(bin, "link", "--db", db, "--base-url", base, "--account", "1001", "--widget", "order_number="+number)
	if err != nil {
		return err
	}
	pageURL := strings.TrimSpace(string(page))
	infoURL := strings.Replace(pageURL, "/track?", "/v4/track/orders/info/?", 1)
	widgetURL := strings.TrimSpace(string(widget))

	fmt.Printf("\nload before the runs: %s\n", load())
	fmt.Printf("%-10s %12s %12s %7s %10s %10s\n", "request", "server req/s", "static req/s", "ratio", "server p99", "static p99")
	for _, c := range []struct{ name, url string }{
		{"healthz", base + "/healthz"}, {"page", pageURL}, {"info", infoURL}, {"widget", widgetURL},
	} {
		if err := sideBySide(o, c.name, c.url); err != nil {
			return err
		}
	}
	fmt.Printf("load after the read runs: %s\n\n", load())

	lines, err := readLines(ingest)
	if err != nil {
		return err
	}
	var next atomic.Int64
	n, rejected, lat := ingestRun(base, tokens, lines, &next, o.clients, o.duration)
	fmt.Printf("ingest, %d clients over TCP: %.0f orders/s, p99 %s (%d rejected; load: %s)\n", o.clients, float64(n)/o.duration.Seconds(), p99(lat), rejected, load())

	// Mixed: info reads while ingest streams.
	type wrkOut struct {
		r   wrkResult
		err error
	}
	done := make(chan wrkOut, 1)
	go func() {
		r, err := wrk(o, infoURL)
		done <- wrkOut{r, err}
	}()
	n, rejected, _ = ingestRun(base, tokens, lines, &next, o.clients, o.duration)
	w := <-done
	if w.err != nil {
		return w.err
	}
	fmt.Printf("mixed: ingest %.0f orders/s (%d rejected) while info reads ran at %.0f req/s, read p50 %s p99 %s (load: %s)\n",
		float64(n)/o.duration.Seconds(), rejected, w.r.rps, w.r.p50, w.r.p99, load())
	if o.keep {
		fmt.Printf("work directory kept: %s\n", dir)
	}
	return nil
}

// sideBySide fetches url once, serves the same status, headers and body from memory, and
// runs wrk against the static copy and then against the server.
func sideBySide(o options, name, url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %d %s", name, url, resp.StatusCode, body)
	}
	header := resp.Header.Clone()
	header.Del("Date")
	header.Del("Content-Length")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	static := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.Write(body)
	})}
	go static.Serve(ln)
	defer static.Close()
	path := url[strings.Index(url[len("http://"):], "/")+len("http://"):]
	st, err := wrk(o, "http://"+ln.Addr().String()+path)
	if err != nil {
		return err
	}
	sv, err := wrk(o, url)
	if err != nil {
		return err
	}
	fmt.Printf("%-10s %12.0f %12.0f %7.2f %10s %10s\n", name, sv.rps, st.rps, sv.rps/st.rps, sv.p99, st.p99)
	return nil
}

type wrkResult struct {
	rps      float64
	p50, p99 string
}

var (
	rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p50RE = regexp.MustCompile(`\s50%\s+(\S+)`)
	p99RE = regexp.MustCompile(`\s99%\s+(\S+)`)
	nonOK = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func wrk(o options, url string) (wrkResult, error) {
	out, err := exec.Command("wrk", "-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.conns), "-d", o.duration.String(), "--latency", url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w: %s", url, err, out)
	}
	if m := nonOK.FindSubmatch(out); m != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %s responses were not 2xx", url, m[1])
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return wrkResult{}, fmt.Errorf("wrk %s: no Requests/sec in %s", url, out)
	}
	r := wrkResult{p50: "?", p99: "?"}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := p50RE.FindSubmatch(out); m != nil {
		r.p50 = string(m[1])
	}
	if m := p99RE.FindSubmatch(out); m != nil {
		r.p99 = string(m[1])
	}
	return r, nil
}

// ingestRun PUTs orders from lines (next is the index of the next unsent line) with clients
// concurrent clients until d has passed or the lines run out. It returns the orders stored
// and rejected, and the latencies.
func ingestRun(base string, tokens map[string]string, lines [][]byte, next *atomic.Int64, clients int, d time.Duration) (stored, rejected int64, lat []time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var ok, bad atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if int(i) >= len(lines) {
					return
				}
				body := lines[i]
				req, _ := http.NewRequest("PUT", base+"/v4/track/orders/", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[accountOf(body)])
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return ok.Load(), bad.Load(), lat
}

var accountRE = regexp.MustCompile(`"account":(\d+)`)

func accountOf(line []byte) string {
	if m := accountRE.FindSubmatch(line); m != nil {
		return string(m[1])
	}
	return ""
}

var numberRE = regexp.MustCompile(`"order_number":"([^"]+)"`)

// firstNumber is the order number of the first order of account 1001 in the seed file.
func firstNumber(seed string) string {
	lines, _ := readLines(seed)
	for _, l := range lines {
		if accountOf(l) == "1001" {
			if m := numberRE.FindSubmatch(l); m != nil {
				return string(m[1])
			}
		}
	}
	return ""
}

// split writes the first n lines of gen to seed and the others to a file beside gen, and
// returns both paths.
func split(gen, seed string, n int) (string, string, error) {
	lines, err := readLines(gen)
	if err != nil {
		return "", "", err
	}
	n = min(n, len(lines))
	if err := os.WriteFile(seed, append(bytes.Join(lines[:n], []byte("\n")), '\n'), 0o600); err != nil {
		return "", "", err
	}
	rest := gen + ".ingest"
	if err := os.WriteFile(rest, append(bytes.Join(lines[n:], []byte("\n")), '\n'), 0o600); err != nil {
		return "", "", err
	}
	return seed, rest, nil
}

func readLines(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	return out, sc.Err()
}

func output(bin string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not become healthy in 30 s")
}

func p99(lat []time.Duration) string {
	if len(lat) == 0 {
		return "?"
	}
	return lat[len(lat)*99/100].Round(10 * time.Microsecond).String()
}

// load is the machine's load average (the machine may be shared).
func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
