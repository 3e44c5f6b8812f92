package server

import (
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// The fields of 003_… are accepted, validated as documented, returned in the order body, and
// kept from callers below the level they belong to.
func TestDeliveryCompanyFields(t *testing.T) {
	e := newTestEnv(t)
	p := orderPayload(1001, "F3-1", 1, 1)
	p["is_critical"] = true
	p["description"] = "MARKDESCX two mugs"
	p["return_reason"] = ""
	p["merchant_location"] = 7
	p["merchant_invoice"] = nil
	p["delivery_fee"] = [][]string{{"usd", "3.50"}}
	p["secondary_phone_number"] = "+961 3 123456"
	p["number_of_packages"] = 2
	p["customer_location"] = map[string]any{"id": 9689, "directions": "MARKDIRX behind the bakery",
		"area": map[string]any{"id": 55, "name_en": "Balde", "name_ar": "بلدي", "lat": 34.56076, "long": 36.14491,
			"district": "Akkar", "maps_link": "http://maps.google.com/maps?q=34.56076,36.14491"}}
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 201 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	o := decode[status.Order](t, body)
	if !o.IsCritical || o.MerchantLocation != 7 || len(o.DeliveryFee) != 1 || o.DeliveryFee[0][0] != "USD" || o.NumberOfPackages != 2 ||
		o.CustomerLocation == nil || o.CustomerLocation.Area == nil || *o.CustomerLocation.Area.Lat != 34.56076 || o.CustomerLocation.Area.NameAr != "بلدي" {
		t.Errorf("stored: %+v %+v", o, o.CustomerLocation)
	}
	_, got := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", e.tokenA, nil)
	if !strings.Contains(string(got), "MARKDIRX") || !strings.Contains(string(got), `"is_critical":true`) {
		t.Errorf("GET by id lacks the fields: %.300s", got)
	}
	_, public := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=F3-1", "", nil)
	for _, m := range []string{"MARKDESCX", "MARKDIRX", "123456", "Balde"} {
		if strings.Contains(string(public), m) {
			t.Errorf("public info shows %s", m)
		}
	}
	for _, bad := range []struct {
		name  string
		field string
		value any
		extra map[string]any
	}{
		{"no packages", "number_of_packages", 0, nil},
		{"exchange on a return", "is_exchange", true, map[string]any{"workflow": "RETURN"}},
		{"fee without amount", "delivery_fee", [][]string{{"USD"}}, nil},
		{"latitude", "customer_location", map[string]any{"area": map[string]any{"lat": 123.0}}, nil},
		{"maps link", "customer_location", map[string]any{"area": map[string]any{"maps_link": "javascript:alert(1)"}}, nil},
		{"description too long", "description", strings.Repeat("x", status.MaxFreeText+1), nil},
	} {
		q := orderPayload(1001, "F3-BAD", 1, 0)
		q[bad.field] = bad.value
		for k, v := range bad.extra {
			q[k] = v
		}
		code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, q)
		if code != 400 || !strings.Contains(string(body), bad.field) {
			t.Errorf("%s: %d %s, want a 400 naming %s", bad.name, code, body, bad.field)
		}
	}
	if code, _ := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=F3-BAD", e.tokenA, nil); code != 404 {
		t.Errorf("a refused order was stored: %d", code)
	}
}
