// Package pgtest gives tests a PostgreSQL store of their own on the server that
// ORDERSTATUS_TEST_POSTGRES names (a postgres:// URL): each test gets a fresh schema, dropped
// when it ends, so tests neither see nor disturb each other's rows.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env is the environment variable that names the test server.
const Env = "ORDERSTATUS_TEST_POSTGRES"

// DSN returns the test server's URL. Without one the test is skipped, or fails under
// CI=true, where the PostgreSQL tests are required.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		msg := Env + " is not set: skipping the PostgreSQL tests (.ci/with-postgres go test ./... runs them on a throwaway server)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// Schema creates a fresh schema on the server and returns a DSN whose connections use it
// (and pools of at most 4 connections unless dsn says otherwise), dropping the schema when
// the test ends.
func Schema(t testing.TB, dsn string) string {
	t.Helper()
	schemaDSN, drop, err := NewSchema(context.Background(), dsn)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return schemaDSN
}

// NewSchema is Schema for what outlives one test (a dataset that several benchmarks share):
// the caller drops the schema with drop.
func NewSchema(ctx context.Context, dsn string) (schemaDSN string, drop func() error, err error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	// The schema is made on a plain connection, which takes no pool settings.
	admin := *u
	aq := admin.Query()
	for k := range aq {
		if strings.HasPrefix(k, "pool_") {
			aq.Del(k)
		}
	}
	admin.RawQuery = aq.Encode()
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, admin.String())
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE SCHEMA ` + name); err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	// Tests run in parallel, each with its own pool: a small pool per test keeps them under
	// the server's max_connections (100 by default) on machines with many cores.
	if !q.Has("pool_max_conns") {
		q.Set("pool_max_conns", "4")
	}
	u.RawQuery = q.Encode()
	return u.String(), func() error { return exec(`DROP SCHEMA ` + name + ` CASCADE`) }, nil
}

// MasterKey is the master key test stores seal their secrets with: 32 fixed bytes, for tests
// only.
func MasterKey() []byte {
	return []byte("orderstatus-test-master-key-0032")
}
