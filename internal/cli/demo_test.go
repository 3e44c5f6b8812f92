package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/demo"
)

// runDemo runs `orderstatus` without arguments on db, stops it as soon as it serves, and
// returns what it printed.
func runDemo(t *testing.T, db string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	env := Env{Getenv: func(k string) string {
		return map[string]string{"ORDERSTATUS_DB": db, "ORDERSTATUS_ADDR": "127.0.0.1:0"}[k]
	}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Demo: os.DirFS(filepath.Join("..", "..", "data", "demo")), Ready: func(string) { cancel() }}
	err := Run(ctx, nil, env)
	return out.String(), err
}

func TestDemoRefusesRealDatabase(t *testing.T) {
	t.Run("a database with accounts", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "prod.db")
		for _, id := range []string{"1001", "1002"} {
			if _, _, err := runCmd(t, db, "", "account", "add", "--name", "Real shop", "--id", id); err != nil {
				t.Fatal(err)
			}
		}
		before := tokenCount(t, db)
		out, err := runDemo(t, db)
		if !errors.Is(err, demo.ErrNotDemo) || !strings.Contains(err.Error(), "orderstatus serve") {
			t.Fatalf("got %v, want ErrNotDemo pointing to serve", err)
		}
		if strings.Contains(out, "os_") || strings.Contains(out, "s=") {
			t.Fatalf("printed a token or a link:\n%s", out)
		}
		if after := tokenCount(t, db); after != before {
			t.Fatalf("tokens %d -> %d: the refusal minted tokens", before, after)
		}
	})
	t.Run("a database with only a staff user", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "prod.db")
		if _, _, err := runCmd(t, db, "correct horse battery\n", "user", "add", "--email", "a@example.com", "--role", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := runDemo(t, db); !errors.Is(err, demo.ErrNotDemo) {
			t.Fatalf("got %v, want ErrNotDemo", err)
		}
	})
	t.Run("the demo's own database starts again", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "demo.db")
		for i := range 2 {
			out, err := runDemo(t, db)
			if err != nil || !strings.Contains(out, "API token") {
				t.Fatalf("start %d: %v\n%s", i+1, err, out)
			}
		}
	})
}

func tokenCount(t *testing.T, db string) int {
	t.Helper()
	s, err := (&config{DB: db}).openSQLite(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.SQL().QueryRow(`SELECT count(*) FROM api_tokens`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccountTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if _, _, err := runCmd(t, db, "", "account", "add", "--name", "Shop", "--id", "1001"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, db, "", "account", "token", "add", "--account", "1001", "--ttl", "30d")
	if err != nil {
		t.Fatal(err)
	}
	var added struct {
		APIToken  string  `json:"api_token"`
		ID        string  `json:"token"`
		ExpiresAt *string `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &added); err != nil || !strings.HasPrefix(added.APIToken, "os_") || !strings.HasPrefix(added.ID, "tok_") || added.ExpiresAt == nil {
		t.Fatalf("add: %v %q", err, out)
	}
	out, _, err = runCmd(t, db, "", "account", "token", "list", "--account", "1001")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, added.ID) || strings.Contains(out, added.APIToken) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, db, "", "account", "token", "revoke", "--account", "1001", "--token", added.ID); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCmd(t, db, "", "account", "token", "list", "--account", "1001")
	if strings.Contains(out, added.ID) {
		t.Fatalf("revoked token still listed:\n%s", out)
	}
	for _, args := range [][]string{
		{"revoke", "--account", "1001", "--token", added.ID},
		{"revoke", "--account", "1001", "--token", added.APIToken},
		{"add", "--account", "1001", "--ttl", "soon"},
		{"add", "--account", "4242"},
	} {
		if _, _, err := runCmd(t, db, "", append([]string{"account", "token"}, args...)...); err == nil {
			t.Errorf("account token %v succeeded", args)
		}
	}
}

func TestMasterKeyFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	env := func(key string) func(string) string {
		return func(k string) string {
			return map[string]string{"ORDERSTATUS_DB": db, "ORDERSTATUS_MASTER_KEY": key}[k]
		}
	}
	run := func(key string, args ...string) error {
		var out, errb bytes.Buffer
		return Run(context.Background(), args, Env{Getenv: env(key), Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	}
	key := "q3u9Rk0w0m4m0hq3V9f7C1kq5s8tBz2fX0nLw6yYt1E="
	if err := run(key, "account", "add", "--name", "Shop"); err != nil {
		t.Fatal(err)
	}
	if err := run(key, "account", "token", "list", "--account", "1001"); err != nil {
		t.Fatalf("same key: %v", err)
	}
	if err := run("", "account", "token", "list", "--account", "1001"); err == nil || !strings.Contains(err.Error(), "ORDERSTATUS_MASTER_KEY") {
		t.Fatalf("without the key: %v, want an error naming ORDERSTATUS_MASTER_KEY", err)
	}
	if err := run("too-short", "account", "token", "list", "--account", "1001"); err == nil || !strings.Contains(err.Error(), "base64") {
		t.Fatalf("malformed key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "k.master-key")); err == nil {
		t.Fatal("a key file was written although the key came from the environment")
	}
}

func TestRotateSessionKeysCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "r.db")
	s, err := (&config{DB: db}).openSQLite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.SettingOrInit(ctx, "session_keys", func() []byte { return []byte("old keys") })
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, _, err := runCmd(t, db, "", "account", "rotate-session-keys")
	if err != nil || !strings.Contains(out, "session keys replaced") {
		t.Fatalf("rotate: %v %q", err, out)
	}
	s, err = (&config{DB: db}).openSQLite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.Setting(ctx, "session_keys"); err != nil || v != nil {
		t.Fatalf("session keys after rotation: %q %v, want none until a server makes new ones (was %q)", v, err, before)
	}
}
