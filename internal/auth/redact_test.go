package auth

import (
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

func TestRedactPublicLocations(t *testing.T) {
	o := &status.Order{ID: "o", Notes: "call Mrs Krüger", Trackings: []status.Tracking{{Checkpoints: []status.Checkpoint{ // newest first
		{StatusCode: "Delivered-Neighbour", Location: "Gollierstraße 23, München, DE", StatusDetails: "Nachbar: Krüger"},
		{StatusCode: "OutForDelivery", Location: "Zustellbasis München-West, DE", DeliveryExtraInfo: "Bitte 49,90 EUR bereithalten"},
		{StatusCode: "InTransit", Location: "Paketzentrum Aschheim, DE", StatusText: "carrier text"},
		{StatusCode: "Hub-Processed", Location: "internal", IsHidden: true},
	}}}}
	pub := Redact(o, status.AccessPublic)
	cps := pub.Trackings[0].Checkpoints
	want := []string{"DE", "DE", "Paketzentrum Aschheim, DE"}
	if len(cps) != len(want) {
		t.Fatalf("public checkpoints %+v, want %d without the hidden one", cps, len(want))
	}
	for i, c := range cps {
		if c.Location != want[i] || c.StatusDetails != "" || c.DeliveryExtraInfo != "" || c.StatusText != "" {
			t.Errorf("checkpoint %d: %+v, want location %q and no free text", i, c, want[i])
		}
	}
	if pub.Notes != "" {
		t.Errorf("notes at public: %q", pub.Notes)
	}
	if o.Trackings[0].Checkpoints[0].StatusDetails == "" || o.Notes == "" || len(o.Trackings[0].Checkpoints) != 4 {
		t.Errorf("Redact changed the stored order")
	}
	shop := Redact(o, status.AccessShopper)
	if c := shop.Trackings[0].Checkpoints; len(c) != 3 || c[0].StatusDetails == "" || c[0].Location != "Gollierstraße 23, München, DE" {
		t.Errorf("shopper checkpoints: %+v", c)
	}
}
