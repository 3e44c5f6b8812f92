package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// runCmd runs one command against the database file db and returns stdout and stderr.
func runCmd(t testing.TB, db string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Getenv: func(k string) string {
		if k == "ORDERSTATUS_DB" {
			return db
		}
		return ""
	}, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	err := Run(context.Background(), args, env)
	return out.String(), errb.String(), err
}

func TestAccountAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	out, _, err := runCmd(t, db, "", "account", "add", "--name", "My Shop", "--id", "2001")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %q", out)
	}
	for _, k := range []string{"account", "name", "api_token", "signing_key", "callback_secret"} {
		if got[k] == nil || got[k] == "" {
			t.Errorf("missing %s in %s", k, out)
		}
	}
	if got["account"].(float64) != 2001 || got["name"] != "My Shop" {
		t.Errorf("got %v", got)
	}
	if _, _, err := runCmd(t, db, "", "account", "add", "--name", "Again", "--id", "2001"); err == nil {
		t.Errorf("duplicate id accepted")
	}
	// The token is stored only as a hash.
	s, _ := sqlite.Open(context.Background(), db)
	defer s.Close()
	var n int
	s.SQL().QueryRow(`SELECT count(*) FROM api_tokens WHERE hash = ?`, got["api_token"]).Scan(&n)
	if n != 0 {
		t.Errorf("the plain token is in the database")
	}
}

func TestImportStoresGoodLinesAndNamesBadOnes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "i.db")
	if _, _, err := runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001"); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, fmt.Sprintf(`{"account":1001,"order_number":"IMP-%d","recipient_email":"a%d@example.com","trackings":[{"courier":"ups","tracking_number":"1Z%d","checkpoints":[{"status_code":"InTransit","event_timestamp":"2026-01-10T10:00:00Z"}]}]}`, i, i, i))
	}
	lines[1] = `{"account":1001,"order_number":"BAD-1","recipient_email":"nope"}`
	lines[3] = `{"account":1001, "order_number": `
	lines = append(lines, `{"account":9999,"order_number":"X","recipient_email":"x@example.com"}`)
	file := filepath.Join(dir, "orders.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	out, stderr, err := runCmd(t, db, "", "import", file)
	if err == nil {
		t.Errorf("an import with rejected lines must exit non-zero")
	}
	for _, want := range []string{"line 2:", "recipient_email", "line 4:", "line 6:", "account 9999"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(out, "imported 3 orders") || !strings.Contains(out, "3 lines rejected") {
		t.Errorf("summary: %s", out)
	}
	s, _ := sqlite.Open(context.Background(), db)
	defer s.Close()
	for _, n := range []string{"IMP-0", "IMP-2", "IMP-4"} {
		ids, _ := s.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: n}, 1)
		if len(ids) != 1 {
			t.Errorf("%s not imported", n)
		}
	}
	ids, _ := s.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "BAD-1"}, 1)
	if len(ids) != 0 {
		t.Errorf("a bad line was stored")
	}
}

func TestLinkAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001")
	file := filepath.Join(dir, "o.jsonl")
	os.WriteFile(file, []byte(`{"account":1001,"order_number":"L-1","recipient_email":"a@example.com","language_iso2":"de","trackings":[{"courier":"ups","tracking_number":"1ZL","checkpoints":[{"status_code":"OutForDelivery","event_timestamp":"2026-01-10T10:00:00Z"}]}]}`+"\n"), 0o644)
	if _, stderr, err := runCmd(t, db, "", "import", file); err != nil {
		t.Fatal(err, stderr)
	}
	out, _, err := runCmd(t, db, "", "link", "--account", "1001", "--ttl", "7d", "order_number=L-1")
	if err != nil || !strings.Contains(out, "/track?") || !strings.Contains(out, "s=") || !strings.Contains(out, "exp=") {
		t.Errorf("link: %q %v", out, err)
	}
	out, _, err = runCmd(t, db, "", "link", "--account", "1001", "--widget", "--html", "order_number=L-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="http://127.0.0.1:8080/track?`, `<img src="http://127.0.0.1:8080/v4/track/orders/info-widget/?`, `width="600"`, `border="0"`, `display:block`, `alt="Bestellung L-1: In Zustellung`} {
		if !strings.Contains(out, want) {
			t.Errorf("snippet lacks %q: %s", want, out)
		}
	}
	if _, _, err := runCmd(t, db, "", "link", "--account", "1001", "order_number=L-1", "tracking_number=x"); err == nil {
		t.Errorf("two lookups accepted")
	}
	// Key rotation keeps the old key as previous.
	if out, _, err := runCmd(t, db, "", "account", "rotate-key", "--account", "1001"); err != nil || !strings.Contains(out, "signing_key") {
		t.Errorf("rotate: %q %v", out, err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, _, err := runCmd(t, db, "", "backup", backup); err != nil {
		t.Fatal(err)
	}
	// The backup holds no master key: it opens only with the live database's key file.
	if _, err := sqlite.Open(context.Background(), backup); !errors.Is(err, sqlite.ErrNoMasterKey) {
		t.Fatalf("backup opened without its master key: %v", err)
	}
	if _, err := os.Stat(sqlite.KeyFileFor(backup)); err == nil {
		t.Error("opening the backup without a key wrote a key file")
	}
	b, err := sqlite.OpenWith(context.Background(), backup, sqlite.Options{KeyFile: sqlite.KeyFileFor(db)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
	}
	ids, _ := b.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "L-1"}, 1)
	if len(ids) != 1 {
		t.Errorf("backup lacks the order")
	}
	if _, _, err := runCmd(t, db, "", "backup", backup); err == nil {
		t.Errorf("backup overwrote an existing file")
	}
}

func TestImportKeepsFileOrderPerOrder(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001")
	var lines []string
	for i := 0; i < 200; i++ {
		lines = append(lines, fmt.Sprintf(`{"account":1001,"order_number":"SEQ-%d","recipient_email":"a@example.com","recipient_name":"v%d"}`, i%5, i))
	}
	file := filepath.Join(dir, "o.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644)
	if _, stderr, err := runCmd(t, db, "", "import", file); err != nil {
		t.Fatal(err, stderr)
	}
	s, _ := sqlite.Open(context.Background(), db)
	defer s.Close()
	for k := 0; k < 5; k++ {
		ids, _ := s.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: fmt.Sprintf("SEQ-%d", k)}, 2)
		o, _ := s.Order(context.Background(), ids[0])
		if want := fmt.Sprintf("v%d", 195+k); o.RecipientName != want || len(ids) != 1 {
			t.Errorf("SEQ-%d: name %q (%d orders), want the file's last line %q", k, o.RecipientName, len(ids), want)
		}
	}
}

// A link names one order: its full identity, client key included, whatever lookup the
// command was given; a lookup that matches several orders is refused.
func TestLinkSignsTheOrdersFullIdentity(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001")
	file := filepath.Join(dir, "o.jsonl")
	os.WriteFile(file, []byte(`{"account":1001,"order_number":"CK-1","client_key":"shop-a","recipient_email":"a@example.com","trackings":[{"courier":"ups","tracking_number":"1ZA"}]}`+"\n"+
		`{"account":1001,"order_number":"CK-1","client_key":"shop-b","recipient_email":"b@example.com","trackings":[{"courier":"ups","tracking_number":"1ZB"}]}`+"\n"), 0o644)
	if _, stderr, err := runCmd(t, db, "", "import", file); err != nil {
		t.Fatal(err, stderr)
	}
	if _, _, err := runCmd(t, db, "", "link", "--account", "1001", "order_number=CK-1"); err == nil || !strings.Contains(err.Error(), "2 orders match") {
		t.Errorf("an ambiguous lookup must be refused: %v", err)
	}
	out, _, err := runCmd(t, db, "", "link", "--account", "1001", "tracking_number=1ZB", "courier=ups")
	if err != nil || !strings.Contains(out, "client_key=shop-b") || !strings.Contains(out, "order_number=CK-1") || strings.Contains(out, "tracking_number") {
		t.Errorf("link by tracking number must sign the order's identity: %q %v", out, err)
	}
}

// TestImportGoesOnAfterAnOverlongLine is the reproduction of the issue: a 2 MiB line used to
// abort the whole import; now it is reported as a bad line and the lines around it are
// stored, as are a hygiene failure and a last line without a newline.
func TestImportGoesOnAfterAnOverlongLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "long.db")
	if _, _, err := runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001"); err != nil {
		t.Fatal(err)
	}
	good := func(n string) string {
		return `{"account":1001,"order_number":"` + n + `","recipient_email":"a@example.com"}`
	}
	lines := []string{
		good("LONG-1"),
		`{"account":1001,"order_number":"HUGE","recipient_email":"a@example.com","recipient_name":"` + strings.Repeat("x", 2<<20) + `"}`,
		good("LONG-2"),
		`{"account":1001,"order_number":"DUP","order_number":"DUP2","recipient_email":"a@example.com"}`,
		`{"account":1001,"order_number":"NAME","recipient_email":"a@example.com","recipient_name":"` + strings.Repeat("y", 300) + `"}`,
		good("LONG-3"),
	}
	file := filepath.Join(dir, "orders.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\r\n")), 0o644)
	out, stderr, err := runCmd(t, db, "", "import", file)
	if err == nil || !strings.Contains(out, "imported 3 orders") || !strings.Contains(out, "3 lines rejected") {
		t.Fatalf("import: %v\n%s\n%s", err, out, stderr)
	}
	for _, want := range []string{"line 2: longer than 1048576 bytes", "line 4:", "order_number", "line 5:", "recipient_name"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%.2000s", want, stderr)
		}
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for n, want := range map[string]int{"LONG-1": 1, "LONG-2": 1, "LONG-3": 1, "HUGE": 0, "DUP": 0, "DUP2": 0, "NAME": 0} {
		ids, _ := s.FindOrderIDs(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: n}, 1)
		if len(ids) != want {
			t.Errorf("%s: %d stored, want %d", n, len(ids), want)
		}
	}
}

func TestReadLine(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader("ab\r\n"+strings.Repeat("x", 40)+"\n\nlast"), 16)
	var got []string
	for {
		l, long, err := readLine(r, 10)
		if err != nil {
			break
		}
		if long {
			got = append(got, "<long>")
			continue
		}
		got = append(got, string(l))
	}
	if want := []string{"ab", "<long>", "", "last"}; !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestLogBufferKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	log, buf, err := logger(Env{Stderr: &out}, "text")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("first")
	log.Warn("second")
	if got := out.String(); !strings.Contains(got, "msg=first") || !strings.Contains(got, "msg=second") {
		t.Errorf("after a warning the buffer holds %q, want both lines written", got)
	}
	log.Info("third")
	buf.Close()
	if got := out.String(); strings.Count(got, "\n") != 3 || !strings.Contains(got, "msg=third") {
		t.Errorf("after Close: %q, want three lines", got)
	}
}
