package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/status"
)

// The master key: required, checked against the database at every open, and secrets stored
// in plaintext (by this store before it sealed them) are sealed at the first open.
func TestMasterKey(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	if _, err := postgres.Open(ctx, dsn, postgres.Options{}); !errors.Is(err, postgres.ErrNoMasterKey) {
		t.Fatalf("open without a key: %v, want ErrNoMasterKey", err)
	}
	key := pgtest.MasterKey()
	db, err := postgres.Open(ctx, dsn, postgres.Options{MasterKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Plaintext as an unsealed database holds it; the check setting is what marks a database
	// as sealed.
	if _, err := db.Pool().Exec(ctx, `INSERT INTO accounts (id, name, signing_key, callback_secret, created_at) VALUES (1001, 'Shop', 'plain-key', 'plain-secret', '2026')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO settings (key, value) VALUES ('session_keys', 'plain-session')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `DELETE FROM settings WHERE key = 'master_key_check'`); err != nil {
		t.Fatal(err)
	}
	other := bytes.Repeat([]byte{7}, auth.MasterKeySize)
	again, err := postgres.Open(ctx, dsn, postgres.Options{MasterKey: key})
	if err != nil {
		t.Fatalf("open of an unsealed database: %v", err)
	}
	defer again.Close()
	var signing, secret string
	var session []byte
	if err := db.Pool().QueryRow(ctx, `SELECT signing_key, callback_secret, (SELECT value FROM settings WHERE key = 'session_keys') FROM accounts`).Scan(&signing, &secret, &session); err != nil {
		t.Fatal(err)
	}
	if !auth.IsSealed(signing) || !auth.IsSealed(secret) || !auth.IsSealed(string(session)) {
		t.Errorf("after the first open with a key: %q %q %q, want all sealed", signing, secret, session)
	}
	a, err := again.Account(ctx, 1001)
	if err != nil || a.SigningKey != "plain-key" || a.CallbackSecret != "plain-secret" {
		t.Errorf("account: %+v, %v", a, err)
	}
	if v, err := again.Setting(ctx, "session_keys"); err != nil || string(v) != "plain-session" {
		t.Errorf("setting: %q, %v", v, err)
	}
	if _, err := postgres.Open(ctx, dsn, postgres.Options{MasterKey: other}); !errors.Is(err, auth.ErrWrongMasterKey) {
		t.Errorf("open with another key: %v, want ErrWrongMasterKey", err)
	}
	// A sealed value moved to another account does not open there.
	if err := again.CreateAccount(ctx, status.Account{ID: 1002, Name: "B", SigningKey: "key-b", CallbackSecret: "s"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE accounts SET signing_key = (SELECT signing_key FROM accounts WHERE id = 1001) WHERE id = 1002`); err != nil {
		t.Fatal(err)
	}
	if _, err := again.Account(ctx, 1002); !errors.Is(err, auth.ErrWrongMasterKey) {
		t.Errorf("a value moved between accounts: %v, want ErrWrongMasterKey", err)
	}
}
