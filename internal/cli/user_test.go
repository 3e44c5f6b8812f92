package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"golang.org/x/crypto/bcrypt"
)

// runCLI runs one command against the database at path with stdin and returns stdout.
func runCLI(t *testing.T, path, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Getenv: func(k string) string {
			if k == "ORDERSTATUS_DB" {
				return path
			}
			return ""
		},
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
	}
	err := Run(context.Background(), args, env)
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cli.db")
	for _, name := range []string{"Shop A", "Shop B"} {
		if _, err := runCLI(t, path, "", "account", "add", "--name", name); err != nil {
			t.Fatal(err)
		}
	}
	const pw = "correct horse battery"

	t.Run("add agent with a comma list and a repeated flag", func(t *testing.T) {
		out, err := runCLI(t, path, pw+"\n", "user", "add", "--email", "Agent@Example.com", "--role", "agent", "--account", "1001,1002", "--account", "1001")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Email    string
			Role     string
			Accounts []int64
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		if got.Email != "agent@example.com" || got.Role != "agent" || !slices.Equal(got.Accounts, []int64{1001, 1002, 1001}) {
			t.Fatalf("got %+v", got)
		}
		u := storedUser(t, path, "agent@example.com")
		if !slices.Equal(u.accounts, []int64{1001, 1002}) || bcrypt.CompareHashAndPassword(u.hash, []byte(pw)) != nil {
			t.Fatalf("stored %+v", u)
		}
	})
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"short password", "short\n", []string{"--email", "a@example.com", "--role", "admin"}, "at least 12"},
		{"no password", "", []string{"--email", "a@example.com", "--role", "admin"}, "no password"},
		{"unknown role", pw, []string{"--email", "a@example.com", "--role", "boss"}, "--role"},
		{"agent without account", pw, []string{"--email", "a@example.com", "--role", "agent"}, "at least one account"},
		{"admin with account", pw, []string{"--email", "a@example.com", "--role", "admin", "--account", "1001"}, "only to agents"},
		{"unknown account", pw, []string{"--email", "a@example.com", "--role", "agent", "--account", "9999"}, "no account 9999"},
		{"bad email", pw, []string{"--email", "nobody", "--role", "admin"}, "valid email"},
		{"duplicate", pw, []string{"--email", "AGENT@example.com", "--role", "admin"}, "already exists"},
	} {
		t.Run("add refuses "+tc.name, func(t *testing.T) {
			_, err := runCLI(t, path, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	t.Run("passwd changes the hash and the epoch", func(t *testing.T) {
		before := storedUser(t, path, "agent@example.com")
		if _, err := runCLI(t, path, "a brand new passphrase\n", "user", "passwd", "--email", "agent@example.com"); err != nil {
			t.Fatal(err)
		}
		after := storedUser(t, path, "agent@example.com")
		if bcrypt.CompareHashAndPassword(after.hash, []byte("a brand new passphrase")) != nil || after.epoch != before.epoch+1 {
			t.Fatalf("after passwd: %+v", after)
		}
		if _, err := runCLI(t, path, "a brand new passphrase\n", "user", "passwd", "--email", "ghost@example.com"); err == nil {
			t.Fatal("passwd of an unknown user succeeded")
		}
	})
	t.Run("disable", func(t *testing.T) {
		if _, err := runCLI(t, path, "", "user", "disable", "--email", "agent@example.com"); err != nil {
			t.Fatal(err)
		}
		if u := storedUser(t, path, "agent@example.com"); !u.disabled {
			t.Fatal("not disabled")
		}
	})
}

type userRow struct {
	hash     []byte
	accounts []int64
	epoch    int64
	disabled bool
}

func storedUser(t *testing.T, path, email string) userRow {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.StaffUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return userRow{u.PasswordHash, u.Accounts, u.SessionEpoch, u.Disabled}
}

func TestUserSessions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cli.db")
	if _, err := runCLI(t, path, "correct horse battery\n", "user", "add", "--email", "boss@example.com", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.StaffUserByEmail(ctx, "boss@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		ss, _ := auth.NewStaffSession(u.ID, now, addr, "test")
		if err := db.CreateStaffSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, err := runCLI(t, path, "", "user", "sessions", "--email", "Boss@example.com")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, `"client_addr":"10.0.0.2"`) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, err := runCLI(t, path, "", "user", "sessions", "--email", "boss@example.com", "--revoke"); err != nil || !strings.HasPrefix(out, "2 sessions") {
		t.Fatalf("revoke: %v %q", err, out)
	}
	if out, err := runCLI(t, path, "", "user", "sessions", "--email", "boss@example.com"); err != nil || out != "" {
		t.Fatalf("after revoke: %v %q", err, out)
	}
	if _, err := runCLI(t, path, "", "user", "sessions", "--email", "ghost@example.com"); err == nil {
		t.Fatal("sessions of an unknown user succeeded")
	}
}
