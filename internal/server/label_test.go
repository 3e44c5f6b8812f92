package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// send makes a request with a raw body of the given type and returns status, type and body.
func (e *testEnv) send(t *testing.T, method, path, token, contentType string, body []byte) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// A shipping label is uploaded and fetched with the order's account's token only, is refused
// for another account's token and for a file that is not what it says, and never appears on a
// shopper surface.
func TestLabelUpload(t *testing.T) {
	e := newTestEnv(t)
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LB-1", 1, 1))
	if code != 201 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	var o struct {
		ID        string `json:"id"`
		Trackings []struct {
			ID            string `json:"id"`
			ShippingLabel *struct {
				URL string `json:"url"`
			} `json:"shipping_label"`
		} `json:"trackings"`
	}
	if err := json.Unmarshal(body, &o); err != nil {
		t.Fatal(err)
	}
	path := "/v4/track/orders/" + o.ID + "/trackings/" + o.Trackings[0].ID + "/label"
	pdf := []byte("%PDF-1.4\n\x00\xffMARKLABELX")

	for _, c := range []struct {
		name, token, ct string
		data            []byte
		want            int
	}{
		{"no token", "", "application/pdf", pdf, 401},
		{"another account's token", e.tokenB, "application/pdf", pdf, 404},
		{"PNG declared, PDF sent", e.tokenA, "image/png", pdf, 400},
		{"not a label type", e.tokenA, "text/html", []byte("<p>x"), 400},
		{"empty", e.tokenA, "application/pdf", nil, 400},
		{"too large", e.tokenA, "application/pdf", append([]byte("%PDF-"), make([]byte, 1<<20)...), 413},
	} {
		if code, _, b := e.send(t, "PUT", path, c.token, c.ct, c.data); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, b, c.want)
		}
	}
	if code, _, _ := e.send(t, "GET", path, e.tokenA, "", nil); code != 404 {
		t.Errorf("download before a valid upload: %d, want 404", code)
	}
	if code, _, b := e.send(t, "PUT", "/v4/track/orders/"+o.ID+"/trackings/t_missing/label", e.tokenA, "application/pdf", pdf); code != 404 {
		t.Errorf("unknown tracking: %d %s", code, b)
	}

	code, _, b := e.send(t, "PUT", path, e.tokenA, "application/pdf", pdf)
	if code != 200 {
		t.Fatalf("upload: %d %s", code, b)
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	if l := o.Trackings[0].ShippingLabel; l == nil || l.URL != "http://example.test"+path {
		t.Errorf("shipping_label after upload: %+v", l)
	}
	code, ct, got := e.send(t, "GET", path, e.tokenA, "", nil)
	if code != 200 || ct != "application/pdf" || !bytes.Equal(got, pdf) {
		t.Errorf("download: %d %s %q", code, ct, got)
	}
	if code, _, _ := e.send(t, "GET", path, e.tokenB, "", nil); code != 404 {
		t.Errorf("download with another account's token: %d, want 404", code)
	}

	// Below full level the label is nowhere: not in info at public or shopper level, not on
	// the page.
	q := "account=1001&order_number=LB-1"
	_, public := e.do(t, "GET", "/v4/track/orders/info/?"+q, "", nil)
	_, page := e.do(t, "GET", "/track?"+q, "", nil)
	_, full := e.do(t, "GET", "/v4/track/orders/"+o.ID+"/", e.tokenA, nil)
	for name, b := range map[string][]byte{"public info": public, "page": page} {
		if strings.Contains(string(b), path) || strings.Contains(string(b), "shipping_label") {
			t.Errorf("%s shows the label", name)
		}
	}
	if !strings.Contains(string(full), path) {
		t.Error("GET by id lacks the label")
	}
}
