package callback

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// A callback body carries what GET by id carries: the 003_… fields as stored, the derived
// delivery_state, lists as [] and tracking_link as null (the store writes callbacks and knows
// neither the base URL nor the signing key).
func TestBodyCarries003Fields(t *testing.T) {
	lat, long := 34.56076, 36.14491
	o := &status.Order{ID: "o_1", Account: 1001, OrderNumber: "CB-003", PaymentState: "PAID_BY_DRIVER", Notes: "ring twice",
		CustomerLocation: &status.CustomerLocation{Directions: "behind the bakery", Area: &status.Area{NameEn: "Balde", Lat: &lat, Long: &long}},
		Trackings: []status.Tracking{{ID: "t_1", Courier: "ups", TrackingNumber: "1Z1",
			Articles:      []status.Article{{ArticleName: "Mug"}},
			CourierPickup: &status.PickupWindow{Earliest: "2026-01-10T13:00:00.000Z"},
			Checkpoints:   []status.Checkpoint{{StatusCode: "OutForDelivery", EventTimestamp: "2026-01-12T07:00:00.000Z"}}}}}
	b, err := Body(o, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		DeliveryState    string                  `json:"delivery_state"`
		TrackingLink     *string                 `json:"tracking_link"`
		PaymentState     string                  `json:"payment_state"`
		CustomerLocation status.CustomerLocation `json:"customer_location"`
		Tags             []string                `json:"tags"`
		ArticlesOrder    []json.RawMessage       `json:"articles_order"`
		Trackings        []struct {
			Articles []struct {
				Tags []string `json:"tags"`
			} `json:"articles"`
			CourierPickup *status.PickupWindow `json:"courier_pickup"`
		} `json:"trackings"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.DeliveryState != "OUT_FOR_DELIVERY" || got.TrackingLink != nil || got.PaymentState != "PAID_BY_DRIVER" ||
		got.CustomerLocation.Directions != "behind the bakery" || got.Tags == nil || got.ArticlesOrder == nil ||
		got.Trackings[0].Articles[0].Tags == nil || got.Trackings[0].CourierPickup == nil {
		t.Errorf("callback body %s", b)
	}
	if o.Tags != nil || o.Trackings[0].Articles[0].Tags != nil {
		t.Error("the body changed the order it was built from")
	}
}
