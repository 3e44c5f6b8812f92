package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Generated orders are valid import input in every state, and the same seed writes the same
// lines.
func TestDemoGenerateImportsCleanly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	runCmd(t, db, "", "account", "add", "--name", "Shop A", "--id", "1001")
	runCmd(t, db, "", "account", "add", "--name", "Shop B", "--id", "1002")
	file := filepath.Join(dir, "orders.jsonl")
	if _, stderr, err := runCmd(t, db, "", "demo", "generate", "--orders", "1500", "--seed", "3", "--out", file); err != nil {
		t.Fatal(err, stderr)
	}
	out, stderr, err := runCmd(t, db, "", "import", file)
	if err != nil || strings.Contains(stderr, "line ") {
		t.Fatalf("import: %v\n%s\n%s", err, out, stderr)
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	states := map[status.Lifecycle]int{}
	langs := map[string]bool{}
	for _, acct := range []int64{1001, 1002} {
		orders, err := s.ListOrders(context.Background(), acct, status.PageRequest{Ordering: "created_at", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != 750 {
			t.Errorf("account %d: %d orders, want 750", acct, len(orders))
		}
		for _, o := range orders {
			langs[o.LanguageISO2] = true
			for i := range o.Trackings {
				states[status.CurrentCode(o, &o.Trackings[i]).Lifecycle]++
			}
		}
	}
	for _, want := range []status.Lifecycle{status.Pending, status.OrderProcessed, status.InTransit, status.OutForDelivery, status.PickupReady,
		status.FailedAttempt, status.Delivered, status.Exception, status.Returned, status.Cancelled} {
		if states[want] == 0 {
			t.Errorf("no parcel is %s: %v", want, states)
		}
	}
	if len(langs) < 8 {
		t.Errorf("languages: %v", langs)
	}
	var a, b bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := demo.Generate(w, demo.GenerateOptions{Orders: 50, Accounts: []int64{1}, Seed: 9, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	if a.String() != b.String() {
		t.Errorf("the same seed wrote different orders")
	}
}
