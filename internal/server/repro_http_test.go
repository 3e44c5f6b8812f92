package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// TestIssue14ReproductionsOverHTTP checks each reproduction of issue 14 through HTTP only, so
// that it runs unchanged against the code before status.Summary (where every check fails).
func TestIssue14ReproductionsOverHTTP(t *testing.T) {
	e := newSupportServer(t, "")
	get := func(path string) string {
		resp, err := http.Get(e.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	signed := func(acct int64, n string) string {
		a, _ := e.db.Account(context.Background(), acct)
		return auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: acct, Value: n}, 0, demoNow).Encode() + "&lang=en"
	}
	check := func(name string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("fails: %s", name)
		}
	}
	check("A-1006 alt counts parcels", get("/v4/track/orders/info-widget/alt?"+signed(1001, "A-1006")) == "Order A-1006: 1 of 3 delivered · 1 arriving Thu 15 Jan")
	check("A-1001 alt says delivered once", get("/v4/track/orders/info-widget/alt?"+signed(1001, "A-1001")) == "Order A-1001: Delivered on Mon 12 Jan")
	check("A-1002 alt has an absolute date", !strings.Contains(get("/v4/track/orders/info-widget/alt?"+signed(1001, "A-1002")), "today"))
	p := get("/track?" + signed(1001, "A-1008"))
	check("A-1008 page never says Expected", !strings.Contains(p, "Expected"))
	check("A-1008 one banner", len(regexp.MustCompile(`class="banner banner-(danger|warning|info)"`).FindAllString(p, -1)) == 1)
	check("A-1008 keeps step 4", regexp.MustCompile(`aria-current="step"[^>]*>Out for delivery`).MatchString(p))
	p = get("/track?" + signed(1001, "A-1010"))
	check("A-1010 page never says Expected", !strings.Contains(p, "Expected"))
	p = get("/track?" + signed(1001, "A-1009"))
	check("A-1009 return stepper", regexp.MustCompile(`aria-current="step"[^>]*>On the way back`).MatchString(p))
	p = get("/track?" + signed(1001, "A-1012"))
	check("A-1012 return stepper", regexp.MustCompile(`aria-current="step"[^>]*>On the way back`).MatchString(p))
	check("A-1012 no Delivery address label", !strings.Contains(p, "Delivery address"))
	p = get("/track?" + signed(1001, "A-1011"))
	check("A-1011 no stepper", !strings.Contains(p, `aria-current="step"`))
	check("A-1011 reason shown", strings.Contains(p, "inventory"))
	p = get("/track?" + signed(1001, "A-1001"))
	check("A-1001 delivered step done", strings.Contains(p, `class="step current done"`))
	p = get("/track?" + signed(1002, "B-2001"))
	check("B-2001 Collect by once", strings.Count(p, "Collect by") == 1)
	p = get("/track?" + signed(1001, "A-1006"))
	check("A-1006 address once", strings.Count(p, "18 Richmond Avenue") == 1)

	tok := auth.NewSecret("os_")
	e.admin.AddToken(context.Background(), 1001, auth.HashToken(tok))
	te := &testEnv{http: e.http}
	body := map[string]any{"order_number": "C-1", "recipient_email": "c@example.com", "order_status": "Cancelled",
		"trackings": []any{map[string]any{"courier": "dpd-uk", "courier_name": "DPD UK", "tracking_number": "CX1",
			"checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-14T08:00:00Z"}}}}}
	if code, b := te.do(t, "PUT", "/v4/track/orders/", tok, body); code != http.StatusCreated {
		t.Fatalf("%d %s", code, b)
	}
	var info struct {
		IsCancelled bool `json:"is_cancelled"`
	}
	json.Unmarshal([]byte(get("/v4/track/orders/info/?"+signed(1001, "C-1"))), &info)
	check("order_status Cancelled gives is_cancelled", info.IsCancelled)
	check("order_status Cancelled alt", get("/v4/track/orders/info-widget/alt?"+signed(1001, "C-1")) == "Order C-1: Order cancelled")
}
