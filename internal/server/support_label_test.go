package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// The console serves an uploaded label to staff who may see the order's account, and to no
// one else.
func TestSupportLabel(t *testing.T) {
	e := newSupportServer(t, "")
	ctx := context.Background()
	ids, err := e.db.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1001"}, 1)
	if err != nil || len(ids) != 1 {
		t.Fatalf("demo order A-1001: %v %v", ids, err)
	}
	o, err := e.db.Order(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	in := &status.Ingest{Store: e.db, Now: e.now}
	if _, err := in.AttachLabel(ctx, e.db, o.ID, o.Trackings[0].ID, status.LabelPNG, []byte("\x89PNG\r\n\x1a\nMARK"), "http://x/label"); err != nil {
		t.Fatal(err)
	}
	path := "/support/orders/" + o.ID + "/trackings/" + o.Trackings[0].ID + "/label"
	admin := e.browser(t)
	admin.login("boss@example.com")
	if code, body := admin.get(path); code != http.StatusOK || body != "\x89PNG\r\n\x1a\nMARK" || admin.last.Header.Get("Content-Type") != "image/png" {
		t.Errorf("admin: %d %q", code, body)
	}
	if _, page := admin.get("/support/orders/" + o.ID); !strings.Contains(page, "Shipping label") || !strings.Contains(page, "http://x/label") {
		t.Error("the console order page does not show the label")
	}
	agent := e.browser(t) // an agent of account 1002 only
	agent.login("agent@example.com")
	if code, _ := agent.get(path); code != http.StatusNotFound {
		t.Errorf("agent of another account: %d, want 404", code)
	}
	if code, _ := e.browser(t).get(path); code != http.StatusSeeOther && code != http.StatusUnauthorized {
		t.Errorf("no session: %d, want the login", code)
	}
}
