package status

import (
	"testing"
	"time"
)

// Every status code, with or without a pickup point and with no date to promise, gets an
// action box that tells the shopper something (002_… details: null was the answer for a
// parcel ready for pickup without a location and for an undated parcel in transit).
func TestActionBoxForEveryState(t *testing.T) {
	now := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	for _, code := range Codes() {
		for _, withPoint := range []bool{false, true} {
			tr := Tracking{ID: "t_1", Courier: "ups", TrackingNumber: "1Z1",
				Checkpoints: []Checkpoint{{StatusCode: code, EventTimestamp: "2026-01-12T07:00:00.000Z"}}}
			if withPoint {
				tr.PickupLocation = &PickupLocation{Name: "Kiosk 5"}
			}
			o := &Order{ID: "o_1", Account: 1, OrderNumber: "A-1", Trackings: []Tracking{tr}}
			info := BuildInfo(o, InfoOptions{Access: AccessShopper, Lang: "en", Now: now})
			b := info.Trackings[0].ActionBox
			if b == nil || b.Type == "" || (b.Label == "" && b.LabelCommunication == "") {
				t.Errorf("%s (pickup point %v): action box %+v, want one that says something", code, withPoint, b)
			}
		}
	}
	o := &Order{ID: "o_1", Account: 1, OrderNumber: "A-1", Trackings: []Tracking{{ID: "t_1", Courier: "ups", TrackingNumber: "1Z1",
		Checkpoints: []Checkpoint{{StatusCode: "PickupReady", EventTimestamp: "2026-01-12T07:00:00.000Z"}}}}}
	b := BuildInfo(o, InfoOptions{Access: AccessShopper, Lang: "en", Now: now}).Trackings[0].ActionBox
	if b.Type != "next-action" || b.Label != "next.collect_see_notice" {
		t.Errorf("pickup without a point: %+v, want the courier's notice", b)
	}
}
