package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// explainOn returns the plan of query on a connection where sequential scans are priced out
// (enable_seqscan=off): on the small tables of a test the planner would otherwise scan them
// whatever indexes exist. A query that no index can serve still shows a Seq Scan.
func explainOn(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var plan string
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "EXPLAIN "+query, args...)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		plan = strings.Join(lines, "\n")
		return err
	})
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	return plan
}

// openPlanned opens a store whose tables hold enough rows, spread like real ones, for the
// planner's statistics to mean something: on empty tables every index costs the same and
// the plan says nothing about what a large database would do.
func openPlanned(t *testing.T) *DB {
	t.Helper()
	db := openTest(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO orders (id, account_id, order_number, client_key, external_order_id, external_reference, customer_number,
			recipient_email, order_date, created_at, updated_at, version, doc)
			SELECT 'o_' || i, 1001 + i % 2, 'N-' || i, '', 'ext-' || i, 'ref-' || i, 'C-' || (i / 3), 'e' || (i / 2) || '@example.com',
				to_char(date '2025-01-01' + i % 300, 'YYYY-MM-DD'), 'c' || lpad(i::text, 6, '0'), 'u' || lpad(i::text, 6, '0'), 1, '{}'
			FROM generate_series(1, 10000) i`,
		`INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
			SELECT 't_' || seq, seq, account_id, 0, (ARRAY['dhl', 'ups', 'dpd'])[1 + seq % 3], 'TN' || seq, CASE WHEN seq % 4 = 0 THEN 'shp-' || seq END, '{}'
			FROM orders`,
		`INSERT INTO checkpoints (tracking_seq, dedupe_key, event_timestamp, status_code, doc)
			SELECT t.seq, ('k' || n)::bytea, '2026-01-0' || n, 'InTransit', '{}' FROM trackings t, generate_series(1, 3) n`,
		`INSERT INTO callbacks (id, account_id, order_id, event, url, payload, state, created_at, expires_at, next_attempt_at)
			SELECT 'dlv_' || i, 1001, 'o_' || i, 'order.accepted', 'https://x', '{}', CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'delivered' END,
				'2026', '2027', '2026-01-01T00:00:00.000Z' FROM generate_series(1, 20000) i`,
		`INSERT INTO login_attempts (email, client_addr, at) SELECT 'e' || i || '@x', '10.0.' || (i % 200), now() FROM generate_series(1, 5000) i`,
		`INSERT INTO api_tokens (hash, id, account_id, created_at) SELECT sha256(i::text::bytea), 'tok_' || i, 1001 + i % 2, '2026' FROM generate_series(1, 2000) i`,
		`ANALYZE`,
	} {
		if _, err := db.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}

func checkPlan(t *testing.T, name, plan string, indexes ...string) {
	t.Helper()
	if strings.Contains(plan, "Seq Scan") {
		t.Errorf("%s scans a table:\n%s", name, plan)
	}
	for _, ix := range indexes {
		if !strings.Contains(plan, ix) {
			t.Errorf("%s does not use %s:\n%s", name, ix, plan)
		}
	}
}

// TestQueriesUseIndexes proves, on one database with statistics, that every lookup (the
// shopper search across accounts included), every query of the write path and every branch
// of a support search is served by an index.
func TestQueriesUseIndexes(t *testing.T) {
	db := openPlanned(t)
	t.Run("lookups", func(t *testing.T) { lookupsUseIndexes(t, db) })
	t.Run("write path", func(t *testing.T) { writePathUsesIndexes(t, db) })
	t.Run("search", func(t *testing.T) { searchUsesIndexes(t, db) })
}

func lookupsUseIndexes(t *testing.T, db *DB) {
	for _, c := range []struct {
		l       status.Lookup
		indexes []string
	}{
		{status.Lookup{Kind: status.ByOrderNumber, Value: "A-1"}, []string{"orders_by_number_any"}},
		{status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1"}, []string{"orders_by_number"}},
		{status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1", ClientKey: "eu"}, []string{"orders_by_number"}},
		{status.Lookup{Kind: status.ByExternalOrderID, Account: 1001, Value: "x"}, []string{"orders_by_external_id"}},
		{status.Lookup{Kind: status.ByExternalReference, Account: 1001, Value: "x"}, []string{"orders_by_external_ref", "trackings_by_external_ref"}},
		{status.Lookup{Kind: status.ByTrackingNumber, Value: "x", Courier: "dhl"}, []string{"trackings_by_number"}},
		{status.Lookup{Kind: status.ByTrackingNumber, Account: 1001, Value: "x", Courier: "dhl"}, []string{"trackings_by_"}},
		{status.Lookup{Kind: status.ByCustomerNumber, Account: 1001, Value: "x"}, []string{"orders_by_customer"}},
		{status.Lookup{Kind: status.ByRecipientEmail, Account: 1001, Value: "x@example.com"}, []string{"orders_by_email"}},
		{status.Lookup{Kind: status.ByTrackingID, Value: "t_x"}, []string{"trackings_id_key"}},
	} {
		query, args, err := lookupQuery(c.l, 10)
		if err != nil {
			t.Fatal(err)
		}
		name := string(c.l.Kind)
		if c.l.Account == 0 {
			name += " without account"
		}
		checkPlan(t, name, explainOn(t, db, query, args...), c.indexes...)
	}
	// ExplainLookup answers for operators.
	if plan, err := db.ExplainLookup(context.Background(), status.Lookup{Kind: status.ByOrderNumber, Value: "A-1"}); err != nil || !strings.Contains(plan, "orders") {
		t.Errorf("ExplainLookup: %q, %v", plan, err)
	}
}

// writePathUsesIndexes checks the queries every ingest runs, so that writes do not slow
// down as the database grows.
func writePathUsesIndexes(t *testing.T, db *DB) {
	for _, c := range []struct {
		name, query string
		args        []any
		indexes     []string
	}{
		{"identity by external id", `SELECT o.id, o.version FROM orders o WHERE o.account_id = $1 AND o.external_order_id = $2 ORDER BY o.seq DESC LIMIT 1 FOR UPDATE`, []any{1001, "x"}, []string{"orders_by_external_id"}},
		{"identity by number", `SELECT o.id, o.version FROM orders o WHERE o.account_id = $1 AND o.order_number = $2 AND o.client_key = $3 ORDER BY o.seq DESC LIMIT 1`, []any{1001, "x", ""}, []string{"orders_by_number"}},
		{"order by id", `SELECT o.seq FROM orders o WHERE o.id = $1`, []any{"o_x"}, []string{"orders_id_key"}},
		{"order with its trackings and checkpoints", loadOrderSQL(`o.id = $1`), []any{"o_5"}, []string{"orders_id_key", "trackings_by_order", "checkpoints_by_tracking"}},
		{"order by identity with its trackings", loadOrderSQL(`o.account_id = $1 AND o.order_number = $2 AND o.client_key = $3`), []any{1001, "N-5", ""}, []string{"orders_by_number", "trackings_by_order"}},
		{"tracking of an account", `SELECT o.id, t.id FROM trackings t JOIN orders o ON o.seq = t.order_seq WHERE t.account_id = $1 AND t.courier = $2 AND t.tracking_number = $3`, []any{1001, "dhl", "x"}, []string{"trackings_by_"}},
		{"external reference check", `SELECT order_number FROM orders WHERE account_id = $1 AND external_reference = $2 AND id <> $3`, []any{1001, "x", "o"}, []string{"orders_by_external_ref"}},
		{"due callbacks", `SELECT c.id FROM callbacks c WHERE c.state = 'pending' AND c.next_attempt_at <= $1 AND (c.locked_until IS NULL OR c.locked_until <= $1) ORDER BY c.next_attempt_at, c.seq LIMIT 10 FOR UPDATE OF c SKIP LOCKED`, []any{"2026"}, []string{"callbacks_due"}},
		{"deliveries of an order", `SELECT id FROM callbacks WHERE order_id = $1 ORDER BY seq DESC`, []any{"o"}, []string{"callbacks_by_order"}},
		{"login reservation counts", `SELECT count(*) FILTER (WHERE email = $1), max(at) FILTER (WHERE email = $1), count(*), max(at)
			FROM login_attempts WHERE client_addr = $2 AND at > now() - interval '1 day'`, []any{"x", "10.0.0.1"}, []string{"login_attempts_by_addr"}},
		{"login success", `DELETE FROM login_attempts WHERE email = $1 AND client_addr = $2 AND id <= $3`, []any{"x", "10.0.0.1", 5}, []string{"login_attempts_by_"}},
		{"account by token", `SELECT ` + accountCols + `, t.expires_at, t.last_used_at FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = $1`, []any{[]byte("h")}, []string{"api_tokens_pkey", "accounts_pkey"}},
		{"tokens of an account", `SELECT id FROM api_tokens WHERE account_id = $1 ORDER BY created_at, id`, []any{1001}, []string{"api_tokens_by_account"}},
		{"sessions of a staff user", `SELECT id_hash FROM staff_sessions WHERE user_id = $1 ORDER BY created_at DESC`, []any{1}, []string{"staff_sessions_by_user"}},
		{"page of one customer's orders", `SELECT o.id FROM orders o WHERE o.account_id = $1 AND o.customer_number = $2 ORDER BY o.created_at, o.seq LIMIT 10`, []any{1001, "C-5"}, []string{"orders_by_"}},
		{"page of one recipient's orders", `SELECT o.id FROM orders o WHERE o.account_id = $1 AND lower(o.recipient_email) = $2 AND o.recipient_email IS NOT NULL ORDER BY o.created_at, o.seq LIMIT 10`, []any{1001, "e5@example.com"}, []string{"orders_by_"}},
		{"prune delivered callbacks", `SELECT seq FROM callbacks WHERE state = 'delivered' AND delivered_at < $1 LIMIT 1000`, []any{"2026"}, []string{"callbacks_delivered"}},
		{"prune login attempts", `SELECT id FROM login_attempts WHERE at <= now() - interval '1 day' LIMIT 1000`, nil, []string{"login_attempts_by_at"}},
		{"page of orders", `SELECT o.id FROM orders o WHERE o.account_id = $1 AND (o.created_at, o.seq) > ($2, $3) ORDER BY o.created_at, o.seq LIMIT 10`, []any{1001, "2026", 5}, []string{"orders_by_created"}},
		{"page of orders by date, backwards", `SELECT o.id FROM orders o WHERE o.account_id = $1 AND (o.order_date, o.seq) < ($2, $3) ORDER BY o.order_date DESC, o.seq DESC LIMIT 10`, []any{1001, "2026", 5}, []string{"orders_by_date"}},
	} {
		checkPlan(t, c.name, explainOn(t, db, c.query, c.args...), c.indexes...)
	}
}

func searchUsesIndexes(t *testing.T, db *DB) {
	for text, indexes := range map[string][]string{
		"emma@example.com":                     {"orders_by_email"},
		"C-1":                                  {"orders_by_customer", "orders_by_number", "trackings_by_number", "orders_by_external_ref", "trackings_by_external_ref"},
		"501cce9d-3fdb-4258-9466-616fec7a75ef": {"orders_by_external_id"},
	} {
		q := status.ParseSearch(text)
		q.Accounts = []int64{1001, 1002}
		union, args, err := searchUnion(q)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, "search "+text, explainOn(t, db, `SELECT o.id FROM orders o WHERE o.seq IN (`+union+`) ORDER BY o.order_date DESC, o.seq DESC LIMIT 25`, args...), indexes...)
	}
}
