package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// The console's order page: courier links, pickup hours in words, the promise and the
// problem at the top.
func TestSupportOrderWISMO(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")

	_, body := b.get("/support/orders/" + e.orderID(t, 1002, "B-2001"))
	if !regexp.MustCompile(`Mon \d\d:\d\d–\d\d:\d\d`).MatchString(body) || strings.Contains(body, ":00:00") || strings.Contains(body, "mon ") {
		t.Errorf("pickup hours not formatted: %s", regexp.MustCompile(`(?s)Opening hours.{0,200}`).FindString(body))
	}
	o, err := e.db.Order(context.Background(), e.orderID(t, 1002, "B-2001"))
	if err != nil {
		t.Fatal(err)
	}
	link := `<a href="` + html.EscapeString(o.Trackings[0].CourierTrackingURL) + `" target="_blank" rel="noopener noreferrer" data-testid="fact-link">`
	if !strings.Contains(body, link) {
		t.Errorf("courier tracking URL is not a link (want %s)", link)
	}

	_, body = b.get("/support/orders/" + e.orderID(t, 1001, "A-1008"))
	if !strings.Contains(body, `data-testid="order-problem"`) {
		t.Error("an address exception has no problem flag at the top")
	}
	_, body = b.get("/support/orders/" + e.orderID(t, 1001, "A-1003"))
	if !strings.Contains(body, `data-testid="order-promise"`) || strings.Contains(body, `data-testid="order-problem"`) {
		t.Errorf("an order in transit: promise %v, problem %v", strings.Contains(body, `data-testid="order-promise"`), strings.Contains(body, `data-testid="order-problem"`))
	}
}

// Sentences about a count agree with it.
func TestSupportPlurals(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	_, body := b.get("/support/?q=A-1001")
	if !strings.Contains(body, "1 order matches") || strings.Contains(body, "1 orders") {
		t.Errorf("one result: %s", regexp.MustCompile(`data-testid="search-summary">[^<]*`).FindString(body))
	}
	_, body = b.get("/support/?q=emma.clarke@example.com")
	if !strings.Contains(body, "3 orders match") {
		t.Errorf("three results: %s", regexp.MustCompile(`data-testid="search-summary">[^<]*`).FindString(body))
	}
	_, body = b.get("/support/audit?action=login")
	if !strings.Contains(body, "1 entry") || strings.Contains(body, "1 entries") {
		t.Errorf("one audit entry: %s", regexp.MustCompile(`id="audit-h">[^<]*`).FindString(body))
	}
}

// The audit log names orders by their numbers.
func TestSupportAuditShowsOrderNumbers(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("boss@example.com")
	id := e.orderID(t, 1001, "A-1007")
	b.get("/support/orders/" + id)
	_, body := b.get("/support/audit?action=view")
	if !strings.Contains(body, `data-testid="audit-order">A-1007</a>`) || strings.Contains(body, ">"+id+"<") {
		t.Errorf("audit log does not name A-1007 by its number")
	}
}

// "Open as shopper" is a fresh signed link to the order's page, audited.
func TestSupportOpenAsShopper(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("agent@example.com")
	id := e.orderID(t, 1002, "B-2003")
	_, page := b.get("/support/orders/" + id)
	if !strings.Contains(page, `action="/support/orders/`+id+`/open" target="_blank"`) {
		t.Fatal("no Open as shopper form opening a new tab")
	}
	code, _ := b.post("/support/orders/"+id+"/open", url.Values{})
	loc := b.location()
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, e.http.URL+"/track?") || !strings.Contains(loc, "&s=") {
		t.Fatalf("open as shopper: %d to %s", code, loc)
	}
	u, _ := url.Parse(loc)
	a, _ := e.db.Account(context.Background(), 1002)
	o, _ := e.db.Order(context.Background(), id)
	want := auth.SignedQuery(a, auth.OrderLookup(o), shopperViewTTL, e.now())
	if u.Query().Get("s") != want.Get("s") || u.Query().Get("exp") != want.Get("exp") {
		t.Errorf("link %s is not the signed lookup of `orderstatus link` (%s)", loc, want.Encode())
	}
	shopper := e.browser(t)
	if code, body := shopper.get(strings.TrimPrefix(loc, e.http.URL)); code != 200 || !strings.Contains(body, `data-testid="address"`) {
		t.Errorf("the shopper page of the link: %d, address shown %v", code, strings.Contains(body, `data-testid="address"`))
	}
	entries, _, _ := e.db.AuditEntries(context.Background(), auth.AuditFilter{Action: auth.AuditOpenAsShopper})
	if len(entries) != 1 || entries[0].OrderID != id || entries[0].UserEmail != "agent@example.com" {
		t.Errorf("audit: %+v", entries)
	}
	// Another account's order cannot be opened.
	if code, _ := b.post("/support/orders/"+e.orderID(t, 1001, "A-1001")+"/open", url.Values{}); code != http.StatusNotFound {
		t.Errorf("another account's order: %d", code)
	}
}

// Agent notes are stored, shown to staff, audited, and never reach a shopper or the API.
func TestSupportNotes(t *testing.T) {
	t.Parallel()
	e := newSupportServer(t, "")
	b := e.browser(t)
	b.login("agent@example.com")
	id := e.orderID(t, 1002, "B-2003")
	const note = "Shopper phoned 14:05 — asked about the delivery slot; promised a call back."
	code, _ := b.post("/support/orders/"+id+"/notes", url.Values{"note": {"  " + note + "  "}})
	if code != http.StatusSeeOther || b.location() != "/support/orders/"+id+"#notes" {
		t.Fatalf("add note: %d to %s", code, b.location())
	}
	_, page := b.get("/support/orders/" + id)
	if !strings.Contains(page, html.EscapeString(note)) || !strings.Contains(page, "agent@example.com") {
		t.Error("the note is not shown to staff")
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", auth.MaxNoteLength+1)} {
		if code, body := b.post("/support/orders/"+id+"/notes", url.Values{"note": {bad}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="note-error"`) {
			t.Errorf("note of %d characters: %d", len(bad), code)
		}
	}
	if code, _ := b.post("/support/orders/"+e.orderID(t, 1001, "A-1001")+"/notes", url.Values{"note": {"x"}}); code != http.StatusNotFound {
		t.Errorf("note on another account's order: %d", code)
	}
	entries, _, _ := e.db.AuditEntries(context.Background(), auth.AuditFilter{Action: auth.AuditNote})
	if len(entries) != 1 || entries[0].OrderID != id {
		t.Errorf("audit: %+v", entries)
	}

	// No shopper surface and no API body carries it.
	a, _ := e.db.Account(context.Background(), 1002)
	o, _ := e.db.Order(context.Background(), id)
	signed := auth.SignedQuery(a, auth.OrderLookup(o), shopperViewTTL, e.now())
	tok := auth.NewSecret("os_")
	e.admin.AddToken(context.Background(), 1002, auth.HashToken(tok))
	shopper := e.browser(t)
	for _, c := range []struct{ path, token string }{
		{"/track?" + signed.Encode(), ""},
		{"/v4/track/orders/info/?" + signed.Encode(), ""},
		{"/v4/track/orders/info/?account=1002&order_number=" + o.OrderNumber, tok},
		{"/v4/track/orders/" + id + "/", tok},
		{"/v4/track/orders/info-widget/alt?" + signed.Encode(), ""},
	} {
		req, _ := http.NewRequest("GET", e.http.URL+c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		code, body := shopper.do(req)
		if code != 200 || strings.Contains(body, "Shopper phoned") || strings.Contains(body, "call back") {
			t.Errorf("%s: %d, carries the note %v", c.path, code, strings.Contains(body, "Shopper phoned"))
		}
	}
}
