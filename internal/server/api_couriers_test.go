package server

import (
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

func TestCourierDirectoryAPIAndIngest(t *testing.T) {
	e := newTestEnv(t)
	code, body := e.do(t, "GET", "/v4/track/couriers/", "", nil)
	list := decode[struct {
		Results []struct {
			Code        string `json:"code"`
			Name        string `json:"name"`
			TrackingURL string `json:"tracking_url_template"`
		} `json:"results"`
	}](t, body)
	if code != 200 || len(list.Results) < 60 {
		t.Fatalf("couriers: %d, %d entries", code, len(list.Results))
	}
	// Ingest fills what the shop left empty; the shop's own values win.
	p := map[string]any{"order_number": "CD-1", "recipient_email": "c@example.com", "destination_country_iso3": "DEU",
		"trackings": []any{
			map[string]any{"courier": "dpd-uk", "tracking_number": "15501234567890", "checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-12T06:00:00Z"}}},
			map[string]any{"courier": "ups", "tracking_number": "1ZCD", "courier_name": "UPS Standard", "checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-12T06:00:00Z"}}},
			map[string]any{"courier": "swift-van", "tracking_number": "SV1", "checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-12T06:00:00Z"}}},
		}}
	o := putOrder(t, e, e.tokenA, p)
	want := []status.Tracking{
		{CourierName: "DPD UK", CourierTrackingURL: "https://track.dpd.co.uk/parcels/15501234567890", LastMileCourier: "dpd-de"},
		{CourierName: "UPS Standard", CourierTrackingURL: "https://www.ups.com/track?tracknum=1ZCD"},
		{CourierName: "Swift Van"},
	}
	for i, w := range want {
		got := o.Trackings[i]
		if got.CourierName != w.CourierName || got.CourierTrackingURL != w.CourierTrackingURL || got.LastMileCourier != w.LastMileCourier {
			t.Errorf("tracking %d: %q %q %q, want %q %q %q", i, got.CourierName, got.CourierTrackingURL, got.LastMileCourier,
				w.CourierName, w.CourierTrackingURL, w.LastMileCourier)
		}
	}
	// The page names the courier instead of its code.
	_, page, _ := get(t, nil, e.http.URL+"/track?account=1001&order_number=CD-1&lang=en")
	if !strings.Contains(page, "DPD UK") || !strings.Contains(page, "Swift Van") {
		t.Errorf("the page does not name the couriers")
	}
}
