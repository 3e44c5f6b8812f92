package cli

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
)

// serve with --db postgres://… runs the same product on PostgreSQL: the demo loads, the
// printed links open the shopper page, the API stores and reads orders, /readyz answers.
func TestServeOnPostgres(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	env := map[string]string{"ORDERSTATUS_DB": dsn, "ORDERSTATUS_MASTER_KEY": hex.EncodeToString(pgtest.MasterKey())}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, Env{
			Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Demo: os.DirFS(filepath.Join("..", "..", "data", "demo")), Ready: func(a string) { ready <- a }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve on PostgreSQL returned %v:\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve on PostgreSQL did not start:\n%s", stderr.String())
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	c := &http.Client{Timeout: 20 * time.Second}
	get := func(u string, hdr ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	out := stdout.String()
	link := regexp.MustCompile(`http://\S+/track\?\S*order_number=A-1001\S*`).FindString(out)
	token := regexp.MustCompile(`API token \(new at every start\): (\S+)`).FindStringSubmatch(out)
	if link == "" || token == nil {
		t.Fatalf("the demo printed no link or token:\n%s", out)
	}
	if code, body := get(link + "&lang=en"); code != 200 || !strings.Contains(body, "Order A-1001") || !strings.Contains(body, "Emma") {
		t.Errorf("signed demo link: %d, shopper page %v", code, strings.Contains(body, "Order A-1001"))
	}
	if code, _ := get("http://" + addr + "/readyz"); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	req, _ := http.NewRequest("PUT", "http://"+addr+"/v4/track/orders/", strings.NewReader(
		`{"order_number":"PG-1","recipient_email":"pg@example.com","trackings":[{"courier":"dpd-uk","tracking_number":"PG-TN-1","checkpoints":[{"status_code":"InTransit","event_timestamp":"2026-01-11T07:00:00Z"}]}]}`))
	req.Header.Set("Authorization", "Bearer "+token[1])
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT on PostgreSQL: %d", resp.StatusCode)
	}
	code, body := get("http://"+addr+"/v4/track/orders/info/?account=1001&order_number=PG-1", "Authorization", "Bearer "+token[1])
	if code != 200 || !strings.Contains(body, `"access":"full"`) || !strings.Contains(body, "DPD UK") {
		t.Errorf("info on PostgreSQL: %d %.300s", code, body)
	}
}

// The account, token, user, link and import commands work on a PostgreSQL database as on an
// SQLite file; backup refuses and points to pg_dump.
func TestCommandsOnPostgres(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	key := hex.EncodeToString(pgtest.MasterKey())
	run := func(stdin string, args ...string) (string, error) {
		t.Helper()
		var out, errb lockedBuffer
		env := Env{Getenv: func(k string) string {
			return map[string]string{"ORDERSTATUS_DB": dsn, "ORDERSTATUS_MASTER_KEY": key}[k]
		}, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
		err := Run(context.Background(), args, env)
		return out.String() + errb.String(), err
	}
	if out, err := run("", "account", "add", "--name", "PG Shop", "--id", "3001"); err != nil || !strings.Contains(out, `"api_token"`) {
		t.Fatalf("account add: %v %s", err, out)
	}
	if out, err := run("", "account", "set", "--account", "3001", "--callback-mode", "once"); err != nil || !strings.Contains(out, `"callback_mode":"once"`) {
		t.Errorf("account set: %v %s", err, out)
	}
	if out, err := run("", "account", "token", "add", "--account", "3001", "--ttl", "1d"); err != nil || !strings.Contains(out, "tok_") {
		t.Errorf("token add: %v %s", err, out)
	}
	file := filepath.Join(t.TempDir(), "o.jsonl")
	os.WriteFile(file, []byte(`{"account":3001,"order_number":"PGC-1","client_key":"k","recipient_email":"a@example.com","trackings":[{"courier":"ups","tracking_number":"1ZPG"}]}`+"\n"), 0o600)
	if out, err := run("", "import", file); err != nil || !strings.Contains(out, "1 created") {
		t.Errorf("import: %v %s", err, out)
	}
	if out, err := run("", "link", "--account", "3001", "order_number=PGC-1"); err != nil || !strings.Contains(out, "client_key=k") {
		t.Errorf("link: %v %s", err, out)
	}
	if out, err := run("a long enough password\n", "user", "add", "--email", "agent@example.com", "--role", "agent", "--account", "3001"); err != nil {
		t.Errorf("user add: %v %s", err, out)
	}
	if _, err := run("", "backup", filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v, want a pointer to pg_dump", err)
	}
}
