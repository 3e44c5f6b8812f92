package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// fieldsPayload is an order that uses every field of 003_… and 004_…, with marker values
// that tests look for: two parcels, one delivered to a parcel shop by a carrier that worded
// the event itself, one ready for pickup at a place the carrier did not name.
func fieldsPayload(number string) map[string]any {
	p := orderPayload(1001, number, 2, 0)
	p["language_iso2"] = "en"
	for k, v := range map[string]any{
		"external_order_id": "6f1c2a9e-1b7d-4c2e-9a55-1d2f3e4a5b6c", "external_reference": "ERP-" + number,
		"client_key": "shop-a.example", "delivery_method": "standard", "invoice_number": "INV-1", "payment_method": "cash",
		"tax_amount": "3.16", "net_amount": "16.64", "discount_amount": "0.00", "payment_details": map[string]any{"provider": "cod"},
		"channel": "webshop", "announced_delivery_date": "2026-01-14", "order_status": "Shipped", "has_multiple_shipments": true,
		"tags": []string{"category:Home"}, "cod": [][]string{{"EUR", "19.80"}}, "payment_state": "UNPAID",
		"workflow": "STANDARD", "is_exchange": true, "number_of_packages": 2, "notes": "MARKNOTEX ring twice",
		"is_critical": true, "description": "MARKDESCX two mugs", "return_reason": "", "merchant_location": 7,
		"merchant_invoice": "MINV-9", "delivery_fee": [][]string{{"EUR", "4.90"}}, "secondary_phone_number": "+961 3 123456",
		"customer_location": map[string]any{"id": 9689, "directions": "MARKDIRX behind the bakery",
			"area": map[string]any{"id": 55, "name_en": "Balde", "name_ar": "بلدي", "lat": 34.56076, "long": 36.14491,
				"district": "Akkar", "maps_link": ""}},
		"callback_url": "https://shop-a.example/hooks",
	} {
		p[k] = v
	}
	ts := p["trackings"].([]any)
	t0 := ts[0].(map[string]any)
	t0["additional_attributes"] = map[string]any{"warehouse": "MARKATTRX"}
	t0["shipping_label"] = map[string]any{"url": "https://labels.example/MARKLABELX.pdf"}
	t0["courier_pickup"] = map[string]any{"earliest": "2026-01-10T13:00:00Z", "latest": "2026-01-10T15:00:00+01:00"}
	t0["checkpoints"] = []any{
		map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-11T08:00:00Z", "location": "Hub Leipzig, DE"},
		map[string]any{"status_code": "Delivered-ParcelShop", "event_timestamp": "2026-01-13T12:00:00Z",
			"status_text": "MARKCARRIERX Zugestellt im Paketshop", "location": "Leipzig, DE"},
	}
	t1 := ts[1].(map[string]any)
	t1["courier"], t1["courier_name"] = "dpd-uk", ""
	t1["checkpoints"] = []any{map[string]any{"status_code": "PickupReady", "event_timestamp": "2026-01-13T09:00:00Z"}}
	return p
}

// at reads a value of a JSON document by a dotted path ("trackings.0.delivery_state").
func at(t *testing.T, doc any, path string) any {
	t.Helper()
	v := doc
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("%s: no key %q (a field must be null or empty, never missing)", path, k)
			}
		case []any:
			i := int(k[0] - '0')
			if len(k) != 1 || i >= len(x) {
				t.Fatalf("%s: no element %s", path, k)
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// shown reports whether a JSON value carries something: not null, "", 0, false, [] or {}.
func shown(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case float64:
		return x != 0
	case bool:
		return x
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// infoFieldLevels is the access-level mapping of the info document (docs/fields.md): for each
// field, whether public, shopper and full (API token) callers see it.
var infoFieldLevels = []struct {
	field                 string
	public, shopper, full bool
}{
	{"order_number", true, true, true},
	{"delivery_state", true, true, true},
	{"number_of_packages", true, true, true},
	{"workflow", true, true, true},
	{"recipient_name", false, true, true},
	{"recipient_email", false, true, true},
	{"cod", false, true, true},
	{"payment_state", false, true, true},
	{"notes", false, true, true},
	{"customer_location.directions", false, true, true},
	{"customer_location.area.name_en", false, true, true},
	{"maps_link", false, true, true},
	{"tracking_link", false, true, true},
	{"trackings.0.delivery_state", true, true, true},
	{"trackings.0.delivery_location", true, true, true},
	{"trackings.0.last_delivery_status.status_text", true, true, true},
	{"trackings.0.last_delivery_status.courier_status_text", false, true, true},
	{"trackings.0.checkpoints.0.courier_status_text", false, true, true},
	{"trackings.0.shipping_address", false, true, true},
	{"trackings.0.articles", false, true, true},
	{"trackings.0.recipient_postal_code", false, true, true},
	{"trackings.0.additional_attributes", false, false, true},
	{"trackings.1.action_box.label", true, true, true},
	{"trackings.1.delivery_state", true, true, true},
}

// TestFieldsRoundTrip sends every field of 003_… and 004_… through PUT, GET by id, info at
// each access level (the shopper through the tracking_link the service issued) and the page,
// and checks each info field against the access-level mapping.
func TestFieldsRoundTrip(t *testing.T) {
	e := newTestEnv(t)
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, fieldsPayload("RT-1"))
	if code != 201 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	var put map[string]any
	if err := json.Unmarshal(body, &put); err != nil {
		t.Fatal(err)
	}
	id := put["id"].(string)
	_, body = e.do(t, "GET", "/v4/track/orders/"+id+"/", e.tokenA, nil)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"payment_state", "notes", "is_critical", "description", "merchant_location", "merchant_invoice",
		"delivery_fee", "secondary_phone_number", "customer_location.directions", "customer_location.area.name_ar", "is_exchange",
		"number_of_packages", "client_key", "external_order_id", "payment_details", "tags", "cod", "has_multiple_shipments",
		"trackings.0.additional_attributes", "trackings.0.checkpoints.0.status_text", "delivery_state", "tracking_link",
		"trackings.0.shipping_label.url", "trackings.0.courier_pickup.earliest", "trackings.0.courier_pickup.latest"} {
		if !shown(at(t, got, f)) {
			t.Errorf("GET by id: %s = %v, want the value sent", f, at(t, got, f))
		}
	}
	if ds, st := at(t, got, "delivery_state"), at(t, got, "summary.state"); ds != "DELIVERED" || st != "Delivered" {
		t.Errorf("delivery_state = %v (summary state %v), want DELIVERED as the summary's Delivered", ds, st)
	}
	if v := at(t, got, "trackings.0.courier_pickup.latest"); v != "2026-01-10T14:00:00.000Z" {
		t.Errorf("courier_pickup.latest = %v, want it normalised to UTC", v)
	}
	if pv := at(t, got, "payload_version"); pv != 3.0 {
		t.Errorf("payload_version = %v, want 3", pv)
	}
	link, _ := got["tracking_link"].(string)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, "http://example.test/track?") || u.Query().Get("s") == "" {
		t.Fatalf("tracking_link = %q, want a signed link to the page", link)
	}
	if tags := at(t, got, "trackings.1.articles.0.tags"); tags == nil {
		t.Error("GET by id: article tags null, want []")
	}

	q := "?account=1001&order_number=RT-1&client_key=shop-a.example"
	docs := map[string]map[string]any{}
	for _, c := range []struct{ level, query, token string }{
		{"public", q, ""}, {"shopper", "?" + u.RawQuery, ""}, {"full", q, e.tokenA},
	} {
		code, body := e.do(t, "GET", "/v4/track/orders/info/"+c.query, c.token, nil)
		if code != 200 {
			t.Fatalf("%s info: %d %s", c.level, code, body)
		}
		var d map[string]any
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		if d["access"] != c.level {
			t.Fatalf("%s info has access %v", c.level, d["access"])
		}
		docs[c.level] = d
		for _, m := range []string{"MARKDESCX", "MARKINV", "MINV-9", "shop-a.example/hooks", "MARKLABELX", "2026-01-10T13:00"} {
			if strings.Contains(string(body), m) {
				t.Errorf("%s info shows the internal %s", c.level, m)
			}
		}
	}
	for _, f := range infoFieldLevels {
		for level, want := range map[string]bool{"public": f.public, "shopper": f.shopper, "full": f.full} {
			if got := shown(at(t, docs[level], f.field)); got != want {
				t.Errorf("%s at %s level: shown %v, want %v (value %v)", f.field, level, got, want, at(t, docs[level], f.field))
			}
		}
	}
	sh := docs["shopper"]
	if v := at(t, sh, "trackings.0.delivery_location"); v != "ParcelShop" {
		t.Errorf("delivery_location = %v, want ParcelShop (from the delivery checkpoint)", v)
	}
	if v := at(t, sh, "trackings.0.checkpoints.0.status_text"); v != "Delivered to a parcel shop" {
		t.Errorf("catalog status_text = %v", v)
	}
	if v := at(t, sh, "trackings.0.last_delivery_status.courier_status_text"); v != "MARKCARRIERX Zugestellt im Paketshop" {
		t.Errorf("courier_status_text = %v", v)
	}
	if v := at(t, sh, "maps_link"); v != "https://maps.google.com/maps?q=34.56076,36.14491" {
		t.Errorf("maps_link = %v, want one from the area's coordinates", v)
	}
	if v := at(t, sh, "trackings.1.action_box.type"); v != "next-action" {
		t.Errorf("pickup without a location: action_box type %v, want next-action", v)
	}
	if v, _ := at(t, sh, "trackings.1.action_box.label").(string); !strings.Contains(v, "notice") {
		t.Errorf("pickup without a location: action_box label %q, want the courier's notice", v)
	}
	for _, f := range []string{"trackings.0.articles.0.tags", "trackings.0.articles.0.additional_attributes"} {
		if l, ok := at(t, sh, f).([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %v, want []", f, at(t, sh, f))
		}
	}

	for attr, tr := range map[string]map[string]any{
		"trackings[0].courier_pickup.latest": {"courier_pickup": map[string]any{"earliest": "2026-01-10T15:00:00Z", "latest": "2026-01-10T13:00:00Z"}},
		"trackings[0].shipping_label.url":    {"shipping_label": map[string]any{"url": "ftp://labels.example/x.pdf"}},
	} {
		tr["courier"], tr["tracking_number"] = "ups", "1ZBAD"
		bad := orderPayload(1001, "RT-BAD", 0, 0)
		bad["trackings"] = []any{tr}
		code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, bad)
		if code != 400 || !strings.Contains(string(body), `"attr":"`+attr+`"`) {
			t.Errorf("want a 400 at %s, got %d %s", attr, code, body)
		}
	}

	// The page: the tracking_link opens it at shopper level with the 003_… facts; a public
	// visitor sees none of them.
	_, page := e.do(t, "GET", "/track?"+u.RawQuery, "", nil)
	for _, want := range []string{`data-testid="payment-state"`, "Not paid yet", "MARKDIRX", "Balde, Akkar",
		`href="https://maps.google.com/maps?q=34.56076,36.14491"`, "MARKNOTEX"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("shopper page lacks %s", want)
		}
	}
	if strings.Contains(string(page), "MARKLABELX") {
		t.Error("shopper page shows the shipping label")
	}
	_, page = e.do(t, "GET", "/track"+q, "", nil)
	for _, bad := range []string{"delivery-facts", "MARKDIRX", "MARKNOTEX", "34.56076", "MARKCARRIERX", "MARKLABELX"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("public page shows %s", bad)
		}
	}
}
