package carrier

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"unicode"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Courier is one entry of the courier directory.
type Courier struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Country is the ISO 3166-1 alpha-3 code of the courier's home market; "" for global ones.
	Country string `json:"country,omitempty"`
	// TrackingURL and RerouteURL are templates: {tracking_number} and {postal_code} are
	// filled in (escaped) from the tracking.
	TrackingURL string `json:"tracking_url_template"`
	RerouteURL  string `json:"reroute_url_template,omitempty"`
	// LastMile names, by destination country (ISO 3166-1 alpha-3), the courier a
	// cross-border service hands its parcels over to.
	LastMile map[string]string `json:"last_mile,omitempty"`
}

//go:embed couriers.json
var couriersJSON []byte

// Directory is the courier directory: names, tracking pages and last-mile partners of the
// couriers common in Europe and North America (couriers.json, which notes its sources).
type Directory struct {
	byCode map[string]Courier
	all    []Courier
}

// LoadDirectory parses the embedded directory. It panics on a malformed file, which the
// package's tests rule out.
func LoadDirectory() *Directory {
	var f struct {
		Couriers []Courier `json:"couriers"`
	}
	if err := json.Unmarshal(couriersJSON, &f); err != nil {
		panic("carrier: couriers.json: " + err.Error())
	}
	d := &Directory{byCode: map[string]Courier{}, all: f.Couriers}
	for _, c := range f.Couriers {
		d.byCode[normalize(c.Code)] = c
	}
	sort.Slice(d.all, func(i, j int) bool { return d.all[i].Code < d.all[j].Code })
	return d
}

// Couriers lists every courier, sorted by code.
func (d *Directory) Couriers() []Courier { return d.all }

// Lookup returns a courier by code (case-insensitive).
func (d *Directory) Lookup(code string) (Courier, bool) {
	c, ok := d.byCode[normalize(code)]
	return c, ok
}

// Complete fills what a shop left empty in a tracking from the directory: the courier's name
// (a humanised code for couriers the directory does not know), the tracking and reroute
// pages, and the last-mile courier a cross-border service hands over to in the destination
// country. Values the shop sent always win. It implements status.CourierDirectory.
func (d *Directory) Complete(t *status.Tracking, destinationISO3 string) {
	c, known := d.Lookup(t.Courier)
	if t.CourierName == "" {
		if known {
			t.CourierName = c.Name
		} else {
			t.CourierName = Humanize(t.Courier)
		}
	}
	if !known {
		return
	}
	postal := t.RecipientPostalCode
	if postal == "" && t.ShippingAddress != nil {
		postal = t.ShippingAddress.PostalCode
	}
	if t.CourierTrackingURL == "" {
		t.CourierTrackingURL = Expand(c.TrackingURL, t.TrackingNumber, postal)
	}
	if t.CourierRerouteURL == "" && c.RerouteURL != "" {
		t.CourierRerouteURL = Expand(c.RerouteURL, t.TrackingNumber, postal)
	}
	if t.LastMileCourier == "" {
		t.LastMileCourier = c.LastMile[strings.ToUpper(destinationISO3)]
	}
	if t.LastMileCourier != "" && t.LastMileCourierName == "" {
		if lm, ok := d.Lookup(t.LastMileCourier); ok {
			t.LastMileCourierName = lm.Name
		} else {
			t.LastMileCourierName = Humanize(t.LastMileCourier)
		}
	}
}

// Expand fills a URL template. A {postal_code} part without a postal code is dropped with the
// separator before it.
func Expand(tmpl, trackingNumber, postal string) string {
	if postal == "" {
		for _, sep := range []string{"-NL-", "/", "&codePostal="} {
			tmpl = strings.Replace(tmpl, sep+"{postal_code}", "", 1)
		}
	}
	r := strings.NewReplacer("{tracking_number}", url.PathEscape(trackingNumber), "{postal_code}", url.PathEscape(postal))
	return r.Replace(tmpl)
}

// Humanize turns an unknown courier code into a display name: "my-local-courier" becomes
// "My Local Courier"; parts of two letters, and of three without a vowel, are initialisms
// ("xpd-uk" is "XPD UK").
func Humanize(code string) string {
	parts := strings.FieldsFunc(code, func(r rune) bool { return r == '-' || r == '_' || r == ' ' || r == '.' })
	for i, p := range parts {
		if len(p) <= 2 || len(p) == 3 && !strings.ContainsAny(strings.ToLower(p), "aeiouy") {
			parts[i] = strings.ToUpper(p)
			continue
		}
		rs := []rune(strings.ToLower(p))
		rs[0] = unicode.ToUpper(rs[0])
		parts[i] = string(rs)
	}
	return strings.Join(parts, " ")
}
