package cache

import (
	"context"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// countingStore is a status.Store with one order, counting the reads that reach it.
type countingStore struct {
	status.Store
	orderReads, lookupReads int
}

func (s *countingStore) FindOrderIDs(_ context.Context, l status.Lookup, _ int) ([]string, error) {
	s.lookupReads++
	if l.Value == "EXISTS" {
		return []string{"o_1"}, nil
	}
	return nil, nil
}

func (s *countingStore) Order(_ context.Context, id string) (*status.Order, error) {
	s.orderReads++
	if id == "o_1" {
		return &status.Order{ID: "o_1", OrderNumber: "EXISTS", Version: 1}, nil
	}
	return nil, status.ErrNotFound
}

// resolveLike reads as the access service does: the lookup, then the first match or, for a
// miss, its stand-in for a missing order.
func resolveLike(t *testing.T, c *Store, number string) {
	t.Helper()
	ctx := context.Background()
	ids, err := c.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1, Value: number}, 50)
	if err != nil {
		t.Fatal(err)
	}
	id := "~absent"
	if len(ids) > 0 {
		id = ids[0]
	}
	if _, err := c.Order(ctx, id); err != nil && err != status.ErrNotFound {
		t.Fatal(err)
	}
}

// A lookup that matches and one that does not reach the store equally often, the first time
// and every time after: the cache gives no timing oracle for whether an order exists.
func TestLookupsCostTheSameWhetherTheyMatch(t *testing.T) {
	for round := range 3 {
		var reads [2][2]int
		for i, number := range []string{"EXISTS", "MISSING"} {
			inner := &countingStore{}
			c := NewStore(inner, Options{MaxBytes: 1 << 20})
			for r := 0; r <= round; r++ {
				resolveLike(t, c, number)
			}
			reads[i] = [2]int{inner.lookupReads, inner.orderReads}
		}
		if reads[0] != reads[1] {
			t.Errorf("after %d repeats: a match reached the store %v times (lookups, orders), a miss %v", round, reads[0], reads[1])
		}
	}
}

// A change drops the order and the lookups of its keys; other entries stay.
func TestApplyDropsWhatChanged(t *testing.T) {
	inner := &countingStore{}
	c := NewStore(inner, Options{MaxBytes: 1 << 20})
	resolveLike(t, c, "EXISTS")
	resolveLike(t, c, "MISSING")
	before := *inner
	resolveLike(t, c, "EXISTS")
	resolveLike(t, c, "MISSING")
	if inner.lookupReads != before.lookupReads || inner.orderReads != before.orderReads {
		t.Fatalf("repeated reads reached the store: %+v then %+v", before, *inner)
	}
	c.Apply(status.OrderChange(&status.Order{ID: "o_2", OrderNumber: "missing", Version: 1}, nil))
	resolveLike(t, c, "EXISTS")
	if inner.lookupReads != before.lookupReads {
		t.Error("a change of another order dropped EXISTS's lookup")
	}
	resolveLike(t, c, "MISSING")
	if inner.lookupReads != before.lookupReads+1 {
		t.Error("a new order numbered like the missing lookup (in another case) did not drop it")
	}
}
