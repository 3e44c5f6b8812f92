package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// plDo sends a request as a parcelLab v4 client does: Authorization: Parcellab-API-Token with
// base64("<account>:<token>").
func (e *testEnv) plDo(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Parcellab-API-Token "+base64.StdEncoding.EncodeToString([]byte("1001:"+e.tokenA)))
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// TestParcellabSession replays what a parcelLab v4 integration sends (its token header, an
// order with articles_order, billing_address and additional_recipients, each mutation type,
// events under parcelLab's field names and by reference_number, info with show_returns) and
// checks the answers the compatibility surface documents.
func TestParcellabSession(t *testing.T) {
	e := newTestEnv(t)
	code, o := e.plDo(t, "PUT", "/v4/track/orders/", `{
	 "account": 1001, "order_number": "PL-1", "recipient_email": "kim@example.com", "language_iso2": "en",
	 "billing_address": {"first_name": "Kim", "last_name": "Lee", "address_line": "Main St 1", "postal_code": "10115", "city": "Berlin", "country_iso3": "DEU"},
	 "additional_recipients": [{"role": "gift", "email": "ann@example.com"}],
	 "articles_order": [{"line_item_id": "L1", "article_name": "Mug", "quantity": 2}, {"line_item_id": "L2", "article_name": "Plate", "quantity": 1}],
	 "trackings": [{"courier": "dhl-germany", "tracking_number": "PL1-A", "external_reference": "REF-A",
	   "articles": [{"line_item_id": "L1", "article_name": "Mug", "quantity": 2}]},
	  {"courier": "dhl-germany", "tracking_number": "PL1-R", "is_return": true}]}`)
	if code != 201 {
		t.Fatalf("PUT: %d %v", code, o)
	}
	if _, ok := o["mutations"]; ok {
		t.Error("a PUT without mutations answers mutations")
	}
	if l := o["articles_order"].([]any); len(l) != 2 {
		t.Errorf("articles_order = %v", l)
	}

	code, o = e.plDo(t, "PUT", "/v4/track/orders/", `{"account": 1001, "order_number": "PL-1", "mutations": [
	 {"type": "add_tracking", "tracking": {"courier": "ups", "tracking_number": "1ZPL1"}},
	 {"type": "add_tracking", "tracking": {"courier": "dhl-germany", "tracking_number": "PL1-A"}},
	 {"type": "cancel_tracking", "courier": "ups", "tracking_number": "1ZPL1"},
	 {"type": "change_line_item_quantity", "line_item_id": "L1", "quantity": 1},
	 {"type": "change_line_item_quantity", "line_item_id": "NOPE", "quantity": 1},
	 {"type": "add_line_item", "article": {"line_item_id": "L3", "article_name": "Bowl", "quantity": 4}},
	 {"type": "add_line_item", "article": {"line_item_id": "L3", "article_name": "Bowl again"}},
	 {"type": "replace_line_item", "line_item_id": "L2", "article": {"line_item_id": "L2", "article_name": "Big plate", "quantity": 1}},
	 {"type": "replace_line_item", "line_item_id": "L1", "article": {"line_item_id": "L9", "article_name": "Renamed"}},
	 {"type": "cancel_order", "cancellation_reason": "customer"}]}`)
	if code != 200 {
		t.Fatalf("PUT with mutations: %d %v", code, o)
	}
	want := []struct {
		typ string
		ok  bool
	}{{"add_tracking", true}, {"add_tracking", false}, {"cancel_tracking", true}, {"change_line_item_quantity", true},
		{"change_line_item_quantity", false}, {"add_line_item", true}, {"add_line_item", false}, {"replace_line_item", true},
		{"replace_line_item", false}, {"cancel_order", true}}
	muts, _ := o["mutations"].([]any)
	if len(muts) != len(want) {
		t.Fatalf("mutations = %v, want %d results", o["mutations"], len(want))
	}
	for i, w := range want {
		m := muts[i].(map[string]any)
		res := m["result"].(map[string]any)
		if m["type"] != w.typ || res["success"] != w.ok || res["message"] == "" {
			t.Errorf("mutation %d: %v, want %s success %v with a message", i, m, w.typ, w.ok)
		}
	}
	// The renamed line item is still named by a tracking's article: the rule refuses it.
	if errs := muts[8].(map[string]any)["result"].(map[string]any)["errors"].(map[string]any); len(errs) == 0 {
		t.Error("replace_line_item that orphans an article: no errors")
	}
	if o["order_status"] != "Cancelled" || o["cancelled_date"] == "" || o["is_cancelled"] != true {
		t.Errorf("cancel_order: status %v, date %v, is_cancelled %v", o["order_status"], o["cancelled_date"], o["is_cancelled"])
	}
	items := o["articles_order"].([]any)
	got := map[string]any{}
	for _, it := range items {
		a := it.(map[string]any)
		got[a["line_item_id"].(string)] = a["quantity"]
		if a["line_item_id"] == "L2" && a["article_name"] != "Big plate" {
			t.Errorf("replace_line_item: %v", a)
		}
	}
	if len(items) != 3 || got["L1"] != 1.0 || got["L3"] != 4.0 {
		t.Errorf("line items after mutations: %v", got)
	}
	ts := o["trackings"].([]any)
	if len(ts) != 3 {
		t.Fatalf("trackings after add_tracking: %d", len(ts))
	}
	ups := ts[2].(map[string]any)
	if cps := ups["checkpoints"].([]any); len(cps) != 1 || cps[0].(map[string]any)["status_code"] != "Cancelled" {
		t.Errorf("cancel_tracking: checkpoints %v", ups["checkpoints"])
	}

	// Events under parcelLab's names, the tracking named by account + reference_number.
	code, res := e.plDo(t, "POST", "/v4/track/events/", `{"account": 1001, "reference_number": "REF-A",
	 "event_status": "InTransit", "event_details": "MARKDETAILX", "placeholder_value": "Hub 7", "event_timestamp": "2026-01-12T08:00:00Z"}`)
	if code != 200 || res["stored"] != 1.0 {
		t.Fatalf("events by reference_number: %d %v", code, res)
	}
	code, res = e.plDo(t, "POST", "/v4/track/events/", `{"account": 1001, "reference_number": "REF-A",
	 "event_status": "InTransit", "status_code": "Delivered", "event_timestamp": "2026-01-12T09:00:00Z"}`)
	if code != 400 || !strings.Contains(mustJSON(t, res), "event_status") {
		t.Errorf("event_status and a different status_code: %d %v, want a 400 at event_status", code, res)
	}
	_, o = e.plDo(t, "GET", "/v4/track/orders/"+o["id"].(string)+"/", "")
	a := o["trackings"].([]any)[0].(map[string]any)
	cp := a["checkpoints"].([]any)[0].(map[string]any)
	if cp["status_code"] != "InTransit" || cp["status_details"] != "MARKDETAILX" || cp["delivery_extra_info"] != "Hub 7" {
		t.Errorf("event stored as %v", cp)
	}
	if o["additional_recipients"].([]any)[0].(map[string]any)["email"] != "ann@example.com" || o["billing_address"] == nil {
		t.Errorf("GET by id: recipients %v, billing %v", o["additional_recipients"], o["billing_address"])
	}

	// info/ with show_returns: false leaves the return shipment out; true and absent keep it.
	for _, c := range []struct {
		q    string
		want int
	}{{"", 3}, {"&show_returns=true", 3}, {"&show_returns=false", 2}} {
		code, info := e.plDo(t, "GET", "/v4/track/orders/info/?account=1001&order_number=PL-1"+c.q, "")
		if code != 200 || len(info["trackings"].([]any)) != c.want {
			t.Errorf("info%s: %d, %d trackings, want %d", c.q, code, len(info["trackings"].([]any)), c.want)
		}
	}
	// Validation: line items need unique ids, and articles name line items the order has.
	code, res = e.plDo(t, "PUT", "/v4/track/orders/", `{"account": 1001, "order_number": "PL-BAD", "recipient_email": "kim@example.com",
	 "articles_order": [{"line_item_id": "X"}, {"line_item_id": "X"}],
	 "additional_recipients": [{"role": "gift", "email": "not-an-email"}],
	 "trackings": [{"courier": "ups", "tracking_number": "1ZBAD", "articles": [{"line_item_id": "Y"}]}]}`)
	body := mustJSON(t, res)
	for _, attr := range []string{"articles_order[1].line_item_id", "trackings[0].articles[0].line_item_id", "additional_recipients[0].email"} {
		if code != 400 || !strings.Contains(body, attr) {
			t.Errorf("invalid line items: %d %s, want a problem at %s", code, body, attr)
		}
	}
	// Public callers never see the billing address or the further recipients.
	code, info := e.do(t, "GET", "/v4/track/orders/info/?account=1001&order_number=PL-1", "", nil)
	if code != 200 || strings.Contains(string(info), "ann@example.com") || strings.Contains(string(info), "Main St 1") {
		t.Errorf("public info: %d %s", code, info)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// add_tracking of a tracking another order of the account holds is answered with success
// false, and the order is saved without it (a tracking number belongs to one order).
func TestAddTrackingHeldByAnotherOrder(t *testing.T) {
	e := newTestEnv(t)
	if code, o := e.plDo(t, "PUT", "/v4/track/orders/", `{"account": 1001, "order_number": "HELD-1", "recipient_email": "a@example.com",
	  "trackings": [{"courier": "dhl-germany", "tracking_number": "HELD-TN"}]}`); code != 201 {
		t.Fatalf("first order: %d %v", code, o)
	}
	code, o := e.plDo(t, "PUT", "/v4/track/orders/", `{"account": 1001, "order_number": "HELD-2", "recipient_email": "b@example.com",
	  "trackings": [{"courier": "dhl-germany", "tracking_number": "HELD-OWN"}], "mutations": [
	 {"type": "add_tracking", "tracking": {"courier": "dhl-germany", "tracking_number": "HELD-TN"}},
	 {"type": "add_tracking", "tracking": {"courier": "ups", "tracking_number": "1ZHELD"}}]}`)
	if code != 201 {
		t.Fatalf("PUT with a held tracking: %d %v, want the order saved", code, o)
	}
	muts, _ := o["mutations"].([]any)
	if len(muts) != 2 {
		t.Fatalf("mutations = %v", o["mutations"])
	}
	for i, want := range []bool{false, true} {
		if res := muts[i].(map[string]any)["result"].(map[string]any); res["success"] != want || res["message"] == "" {
			t.Errorf("mutation %d: %v, want success %v", i, res, want)
		}
	}
	var numbers []string
	for _, tr := range o["trackings"].([]any) {
		numbers = append(numbers, tr.(map[string]any)["tracking_number"].(string))
	}
	if strings.Join(numbers, ",") != "HELD-OWN,1ZHELD" {
		t.Errorf("trackings %v, want HELD-OWN and 1ZHELD", numbers)
	}
}
