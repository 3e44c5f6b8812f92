package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Two instances on one PostgreSQL database: what instance B keeps in its caches is dropped
// when instance A writes (B hears of it through LISTEN/NOTIFY), on every cached surface.
func TestCachesAcrossPostgresInstances(t *testing.T) {
	dsn := pgtest.Schema(t, pgtest.DSN(t))
	ctx := context.Background()
	var https [2]*httptest.Server
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(ctx, dsn, postgres.Options{MasterKey: pgtest.MasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
		srv, err := New(Config{}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(hs.Close)
		https[i] = hs
	}
	acct := status.Account{ID: 1001, Name: "Shop A", SigningKey: "key-a", CallbackSecret: "cb-a", PublicView: "status"}
	token := "token-" + auth.HexKey(4)
	if err := dbs[0].CreateAccount(ctx, acct, auth.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	a := &testEnv{tokenA: token, acctA: acct, http: https[0]}
	if code, body := a.do(t, "PUT", "/v4/track/orders/", token, orderPayload(1001, "PG-1", 1, 2)); code != 201 {
		t.Fatalf("put through A: %d %.300s", code, body)
	}
	b := &testEnv{tokenA: token, acctA: acct, http: https[1]}
	surfaces := cachedSurfaces(b, "PG-1")
	before := warm(t, surfaces)
	ev := map[string]any{"courier": "dhl-germany", "tracking_number": "PG-1-TN0", "status_code": "OutForDelivery",
		"event_timestamp": "2026-01-12T07:30:00+01:00"}
	if code, body := a.do(t, "POST", "/v4/track/events/", token, ev); code != 200 {
		t.Fatalf("event through A: %d %s", code, body)
	}
	// B drops its entries when the notification arrives (within milliseconds).
	for _, c := range surfaces {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, after, _ := c.get(t)
			if after != before[c.name] {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s on B still answers what it answered before A's write", c.name)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// A revoked token stops working on B.
	tokens, _ := dbs[0].Tokens(ctx, 1001)
	if err := dbs[0].RevokeToken(ctx, 1001, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _, _ := surfaces[4].get(t)
		if code == 401 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still accepts the token A revoked: %d", code)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
