package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestWritePathQueriesUseIndexes checks the plans of the queries every ingest runs: a plan
// that walks the orders table would make writes slower as the database grows.
func TestWritePathQueriesUseIndexes(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, where := range []string{
		`o.account_id = ? AND o.external_order_id = ?`,
		`o.account_id = ? AND o.order_number = ? AND o.client_key = ? AND o.external_order_id IS NULL`,
		`o.account_id = ? AND o.order_number = ? AND o.client_key = ?`,
		`o.id = ?`,
	} {
		args := make([]any, strings.Count(where, "?"))
		for i := range args {
			args[i] = "x"
		}
		got, err := db.explain(context.Background(), `SELECT o.seq FROM orders o WHERE `+where+` ORDER BY o.seq DESC LIMIT 1`, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "SEARCH o USING") || strings.Contains(got, "SCAN") {
			t.Errorf("%s: %s", where, got)
		}
		// The order load reads the matched order's trackings and checkpoints by index; only
		// the one-row match (m) is scanned.
		got, err = db.explain(context.Background(), loadOrderSQL(where), args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
			if strings.HasPrefix(line, "SCAN") && line != "SCAN m" {
				t.Errorf("loadOrder %s: %s in\n%s", where, line, got)
			}
		}
	}
}
