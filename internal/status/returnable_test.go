package status_test

import (
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// TestReturnable: the returns link is offered once a parcel has reached the shopper
// (delivered at the door, to a neighbour, in the mailbox, or collected), never for orders
// still on their way, going back to the shop, a shopper's own return or a cancelled order.
func TestReturnable(t *testing.T) {
	want := map[string]bool{
		"A-1001": true,  // delivered
		"A-1002": false, // out for delivery
		"A-1006": true,  // one of three parcels delivered to the mailbox
		"A-1009": false, // going back to the shop, not collected
		"A-1011": false, // cancelled
		"A-1012": false, // the shopper's return on its way
		"B-2001": false, // waiting at the pickup point
		"B-2002": false, // "delivered" to the parcel shop: waiting there to be collected
		"B-2004": true,  // delivered to a neighbour
	}
	seen := 0
	for _, o := range demoOrders(t) {
		w, ok := want[o.OrderNumber]
		if !ok {
			continue
		}
		seen++
		if got := summarize(o, demoNow, status.AccessShopper).Returnable(); got != w {
			t.Errorf("%s: Returnable() = %v, want %v", o.OrderNumber, got, w)
		}
	}
	if seen != len(want) {
		t.Fatalf("found %d of %d demo orders", seen, len(want))
	}
}
