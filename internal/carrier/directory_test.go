package carrier

import (
	"net/url"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

func TestDirectoryEntries(t *testing.T) {
	d := LoadDirectory()
	if n := len(d.Couriers()); n < 60 {
		t.Fatalf("%d couriers, want at least 60", n)
	}
	seen := map[string]bool{}
	for _, c := range d.Couriers() {
		t.Run(c.Code, func(t *testing.T) {
			if c.Code != strings.ToLower(c.Code) || strings.TrimSpace(c.Code) == "" || seen[c.Code] {
				t.Errorf("code %q: empty, not lower case or listed twice", c.Code)
			}
			seen[c.Code] = true
			if strings.TrimSpace(c.Name) == "" {
				t.Errorf("no name")
			}
			if !strings.Contains(c.TrackingURL, "{tracking_number}") {
				t.Errorf("tracking URL %q lacks {tracking_number}", c.TrackingURL)
			}
			for _, tmpl := range []string{c.TrackingURL, c.RerouteURL} {
				if tmpl == "" {
					continue // no reroute page
				}
				u, err := url.Parse(Expand(tmpl, "TN 1/2", "12345"))
				if err != nil || u.Scheme != "https" || u.Host == "" {
					t.Errorf("template %q does not expand to an https URL: %v", tmpl, err)
				}
			}
			for country, lm := range c.LastMile {
				if _, ok := d.Lookup(lm); !ok || len(country) != 3 {
					t.Errorf("last mile %s -> %q is not in the directory", country, lm)
				}
			}
		})
	}
}

func TestCompleteFillsOnlyWhatTheShopLeftEmpty(t *testing.T) {
	d := LoadDirectory()
	tr := status.Tracking{Courier: "DPD-UK", TrackingNumber: "15501234567890"}
	d.Complete(&tr, "DEU")
	if tr.CourierName != "DPD UK" || tr.CourierTrackingURL != "https://track.dpd.co.uk/parcels/15501234567890" ||
		tr.LastMileCourier != "dpd-de" || tr.LastMileCourierName != "DPD" || tr.CourierRerouteURL == "" {
		t.Errorf("completed: %+v", tr)
	}
	shop := status.Tracking{Courier: "ups", TrackingNumber: "1Z", CourierName: "UPS Standard", CourierTrackingURL: "https://shop.example/track/1Z"}
	d.Complete(&shop, "USA")
	if shop.CourierName != "UPS Standard" || shop.CourierTrackingURL != "https://shop.example/track/1Z" {
		t.Errorf("the shop's values must win: %+v", shop)
	}
	unknown := status.Tracking{Courier: "swift-van-xl", TrackingNumber: "SV1"}
	d.Complete(&unknown, "")
	if unknown.CourierName != "Swift Van XL" || unknown.CourierTrackingURL != "" {
		t.Errorf("unknown courier: %+v", unknown)
	}
	pnl := status.Tracking{Courier: "postnl", TrackingNumber: "3SABC", RecipientPostalCode: "1012 AB"}
	d.Complete(&pnl, "NLD")
	if pnl.CourierTrackingURL != "https://jouw.postnl.nl/track-and-trace/3SABC-NL-1012%20AB" {
		t.Errorf("postal code template: %q", pnl.CourierTrackingURL)
	}
	nopostal := status.Tracking{Courier: "postnl", TrackingNumber: "3SABC"}
	d.Complete(&nopostal, "NLD")
	if nopostal.CourierTrackingURL != "https://jouw.postnl.nl/track-and-trace/3SABC" {
		t.Errorf("without a postal code: %q", nopostal.CourierTrackingURL)
	}
}
