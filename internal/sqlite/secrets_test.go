package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

func TestFilesAreOwnerOnly(t *testing.T) {
	// A permissive umask, as on many servers, must not matter.
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "modes.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateAccount(ctx, status.Account{ID: 1001, Name: "A", SigningKey: "k", CallbackSecret: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", KeyFileFor(path), backup} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestMasterKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "keyed.db")
	key := auth.NewMasterKeyMaterial()
	db, err := OpenWith(ctx, path, Options{MasterKey: key})
	if err != nil {
		t.Fatal(err)
	}
	a := status.Account{ID: 1001, Name: "A", SigningKey: "sk_secret", PreviousSigningKey: "sk_old", CallbackSecret: "whsec_secret"}
	if err := db.CreateAccount(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SettingOrInit(ctx, "session_keys", func() []byte { return []byte("session-key-bytes") }); err != nil {
		t.Fatal(err)
	}
	var sk, cb string
	var sess []byte
	db.SQL().QueryRow(`SELECT signing_key, callback_secret FROM accounts WHERE id = 1001`).Scan(&sk, &cb)
	db.SQL().QueryRow(`SELECT value FROM settings WHERE key = 'session_keys'`).Scan(&sess)
	if strings.Contains(sk, "secret") || strings.Contains(cb, "secret") || strings.Contains(string(sess), "session") {
		t.Fatalf("stored in plaintext: %q %q %q", sk, cb, sess)
	}
	got, err := db.Account(ctx, 1001)
	if err != nil || got.SigningKey != a.SigningKey || got.PreviousSigningKey != a.PreviousSigningKey || got.CallbackSecret != a.CallbackSecret {
		t.Fatalf("read back %+v, %v", got, err)
	}
	// A sealed value copied to another account's row does not open there.
	if err := db.CreateAccount(ctx, status.Account{ID: 1002, Name: "B", SigningKey: "other", CallbackSecret: "other"}, nil); err != nil {
		t.Fatal(err)
	}
	db.SQL().Exec(`UPDATE accounts SET signing_key = ? WHERE id = 1002`, sk)
	if _, err := db.Account(ctx, 1002); !errors.Is(err, auth.ErrWrongMasterKey) {
		t.Fatalf("moved secret: %v, want ErrWrongMasterKey", err)
	}
	db.Close()

	if _, err := OpenWith(ctx, path, Options{MasterKey: auth.NewMasterKeyMaterial()}); !errors.Is(err, auth.ErrWrongMasterKey) {
		t.Fatalf("another key: %v, want ErrWrongMasterKey", err)
	}
	if _, err := Open(ctx, path); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("no key: %v, want ErrNoMasterKey", err)
	}
	if _, err := os.Stat(KeyFileFor(path)); err == nil {
		t.Fatal("a key file was written for a database sealed with another key")
	}
}

// TestPlaintextSecretsAreSealed: a database written before secrets were encrypted gets
// them encrypted on its first open, and they read back the same.
func TestPlaintextSecretsAreSealed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM settings`,
		`INSERT INTO accounts (id, name, signing_key, previous_signing_key, callback_secret, settings, created_at) VALUES (1001, 'A', 'sk_plain', '', 'whsec_plain', '{}', '2026-01-01T00:00:00.000Z')`,
		`INSERT INTO settings (key, value) VALUES ('session_keys', x'00112233')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Account(ctx, 1001)
	if err != nil || a.SigningKey != "sk_plain" || a.CallbackSecret != "whsec_plain" {
		t.Fatalf("after sealing: %+v %v", a, err)
	}
	if v, err := db.Setting(ctx, "session_keys"); err != nil || string(v) != "\x00\x11\x22\x33" {
		t.Fatalf("session keys after sealing: %x %v", v, err)
	}
	var sk string
	db.SQL().QueryRow(`SELECT signing_key FROM accounts WHERE id = 1001`).Scan(&sk)
	if !auth.IsSealed(sk) {
		t.Fatalf("signing key still stored as %q", sk)
	}
}
