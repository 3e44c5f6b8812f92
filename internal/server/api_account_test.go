package server

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
)

// sendRaw sends a body of its own content type (a logo upload) and returns the response.
func sendRaw(t *testing.T, e *testEnv, method, path, token, ctype string, data []byte, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 4), 0x6e, uint8(y * 4), 255})
		}
	}
	return img
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const scriptSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>alert(document.cookie)</script><rect width="40" height="40"/></svg>`

// callAccountAPI calls every account operation for a success and an error
// (TestOpenAPIEveryOperation).
func callAccountAPI(t *testing.T, e *testEnv) {
	t.Helper()
	for _, c := range []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/v4/track/account/", e.tokenA, nil, 200},
		{"GET", "/v4/track/account/", "", nil, 401},
		{"PUT", "/v4/track/account/", e.tokenA, map[string]any{"display_name": "A", "accent_color": "#0b6e4f"}, 200},
		{"PUT", "/v4/track/account/", e.tokenA, map[string]any{"accent_color": "#ffff00"}, 400},
		{"DELETE", "/v4/track/account/logo", e.tokenA, nil, 200},
		{"DELETE", "/v4/track/account/logo", "", nil, 401},
	} {
		if code, body := e.do(t, c.method, c.path, c.token, c.body); code != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, code, body, c.want)
		}
	}
	if resp, body := sendRaw(t, e, "PUT", "/v4/track/account/logo", e.tokenA, "image/png", encodePNG(t, 40, 40)); resp.StatusCode != 200 {
		t.Errorf("logo upload: %d %s", resp.StatusCode, body)
	}
	if resp, body := sendRaw(t, e, "PUT", "/v4/track/account/logo", e.tokenA, "image/png", []byte(scriptSVG)); resp.StatusCode != 400 {
		t.Errorf("svg upload: %d %s", resp.StatusCode, body)
	}
}

func TestAccountAPI(t *testing.T) {
	e := newTestEnv(t)
	settings := map[string]any{"display_name": " Nordwind ", "shop_url": "https://shop-a.example/", "returns_url": "https://shop-a.example/returns",
		"accent_color": "#0B6E4F", "support_email": "help@shop-a.example", "support_phone": "+44 20 7946 0000",
		"support_url": "https://shop-a.example/help", "language": "de"}
	code, body := e.do(t, "PUT", "/v4/track/account/", e.tokenA, settings)
	if code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	got := decode[accountBody](t, body)
	if got.Account != 1001 || got.DisplayName != "Nordwind" || got.AccentColor != "#0b6e4f" || got.Language != "de" || got.ShopURL != "https://shop-a.example/" {
		t.Errorf("PUT answered %+v", got)
	}
	_, body = e.do(t, "GET", "/v4/track/account/", e.tokenA, nil)
	if again := decode[accountBody](t, body); again != got {
		t.Errorf("GET %+v, want what PUT answered %+v", again, got)
	}
	a, _ := e.db.Account(t.Context(), 1001)
	if a.SupportPhone != "+44 20 7946 0000" || a.ReturnsURL != "https://shop-a.example/returns" || a.SigningKey != e.acctA.SigningKey {
		t.Errorf("stored %+v", a)
	}
	// GET's document goes back as it came; the read-only fields are ignored.
	doc := decode[map[string]any](t, body)
	doc["name"], doc["logo_url"] = "Renamed", "/elsewhere.png"
	if code, body := e.do(t, "PUT", "/v4/track/account/", e.tokenA, doc); code != 200 || decode[accountBody](t, body).Name != "Shop A" {
		t.Errorf("round trip: %d %s", code, body)
	}

	// Every bad field is named; nothing is stored.
	code, body = e.do(t, "PUT", "/v4/track/account/", e.tokenA, map[string]any{"accent_color": "#ffdd00", "shop_url": "http://shop-a.example/",
		"support_email": "help", "language": "german", "returns_url": "javascript:alert(1)", "support_phone": "call us"})
	if code != 400 {
		t.Fatalf("bad settings: %d %s", code, body)
	}
	attrs := map[string]string{}
	for _, p := range decode[struct {
		Errors []struct{ Attr, Detail string }
	}](t, body).Errors {
		attrs[p.Attr] = p.Detail
	}
	for _, want := range []string{"accent_color", "shop_url", "support_email", "language", "returns_url", "support_phone"} {
		if attrs[want] == "" {
			t.Errorf("no problem named %s: %s", want, body)
		}
	}
	if !strings.Contains(attrs["accent_color"], "contrast") || !strings.Contains(attrs["accent_color"], "WCAG AA") {
		t.Errorf("accent problem does not say why: %q", attrs["accent_color"])
	}
	if a2, _ := e.db.Account(t.Context(), 1001); a2.AccentColor != "#0b6e4f" || a2.ShopURL != "https://shop-a.example/" {
		t.Errorf("a refused PUT changed the account: %+v", a2)
	}
	if code, body := e.do(t, "PUT", "/v4/track/account/", e.tokenA, map[string]any{"colour": "#000000"}); code != 400 || !strings.Contains(string(body), "colour") {
		t.Errorf("unknown field: %d %s", code, body)
	}
	// PUT replaces: what is left out is unset.
	code, body = e.do(t, "PUT", "/v4/track/account/", e.tokenA, map[string]any{"display_name": "Only"})
	if got := decode[accountBody](t, body); code != 200 || got.AccentColor != "" || got.SupportEmail != "" || got.DisplayName != "Only" {
		t.Errorf("replace: %d %+v", code, got)
	}
}

// The account API is for API tokens only, each token its own account.
func TestAccountAPITokenOnly(t *testing.T) {
	e := newTestEnv(t)
	for _, c := range []struct {
		method, path string
		body         any
	}{{"GET", "/v4/track/account/", nil}, {"PUT", "/v4/track/account/", map[string]any{}}, {"DELETE", "/v4/track/account/logo", nil}} {
		if code, _ := e.do(t, c.method, c.path, "", c.body); code != 401 {
			t.Errorf("%s %s without a token: %d", c.method, c.path, code)
		}
		if code, _ := e.do(t, c.method, c.path, "not-a-token", c.body); code != 401 {
			t.Errorf("%s %s with an unknown token: %d", c.method, c.path, code)
		}
	}
	if resp, _ := sendRaw(t, e, "PUT", "/v4/track/account/logo", "", "image/png", encodePNG(t, 32, 32)); resp.StatusCode != 401 {
		t.Errorf("logo upload without a token: %d", resp.StatusCode)
	}
	e.do(t, "PUT", "/v4/track/account/", e.tokenA, map[string]any{"display_name": "Shop A brand"})
	_, body := e.do(t, "GET", "/v4/track/account/", e.tokenB, nil)
	if got := decode[accountBody](t, body); got.Account != 1002 || got.DisplayName != "" {
		t.Errorf("token B sees %+v", got)
	}
}

func TestLogoUpload(t *testing.T) {
	e := newTestEnv(t)
	img := encodePNG(t, 48, 32)
	resp, body := sendRaw(t, e, "PUT", "/v4/track/account/logo", e.tokenA, "application/octet-stream", img)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	first := decode[accountBody](t, body).LogoURL
	if !strings.HasPrefix(first, "/brand/1001/logo-") || !strings.HasSuffix(first, ".png") {
		t.Fatalf("logo URL %q", first)
	}
	resp, served := sendRaw(t, e, "GET", first, "", "", nil)
	if resp.StatusCode != 200 || !bytes.Equal(served, img) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("served logo: %d %v", resp.StatusCode, resp.Header)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(served)); err != nil || cfg.Width != 48 || cfg.Height != 32 {
		t.Errorf("served logo decodes as %+v, %v", cfg, err)
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("logo CSP %q", resp.Header.Get("Content-Security-Policy"))
	}
	if resp, _ := sendRaw(t, e, "GET", first, "", "", nil, "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != 304 {
		t.Errorf("conditional GET: %d", resp.StatusCode)
	}
	// The shopper page shows it.
	e.do(t, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "LOGO-1", 1, 1))
	if _, page, _ := get(t, nil, e.http.URL+"/track?account=1001&order_number=LOGO-1"); !strings.Contains(page, `src="`+first+`"`) {
		t.Errorf("page does not show the uploaded logo %s", first)
	}

	// A new image gets a new name; the old name is gone.
	resp, body = sendRaw(t, e, "PUT", "/v4/track/account/logo", e.tokenA, "image/jpeg", encodeJPEG(t, 64, 64))
	second := decode[accountBody](t, body).LogoURL
	if resp.StatusCode != 200 || second == first || !strings.HasSuffix(second, ".jpg") {
		t.Fatalf("second upload: %d %s", resp.StatusCode, second)
	}
	if resp, _ := sendRaw(t, e, "GET", second, "", "", nil); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("jpeg served: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, u := range []string{first, "/brand/1002/" + second[len("/brand/1001/"):], "/brand/x/logo.png"} {
		if resp, _ := sendRaw(t, e, "GET", u, "", "", nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", u, resp.StatusCode)
		}
	}

	var gifBuf bytes.Buffer
	gif.Encode(&gifBuf, testImage(32, 32), nil)
	truncated := encodePNG(t, 64, 64)
	truncated = truncated[:len(truncated)-40]
	for _, c := range []struct {
		name  string
		ctype string
		data  []byte
		want  int
	}{
		{"svg with script", "image/svg+xml", []byte(scriptSVG), 400},
		{"svg claimed to be png", "image/png", []byte(scriptSVG), 400},
		{"html", "image/png", []byte("<!doctype html><script>alert(1)</script>"), 400},
		{"gif", "image/gif", gifBuf.Bytes(), 400},
		{"truncated png", "image/png", truncated, 400},
		{"too small", "image/png", encodePNG(t, 8, 8), 400},
		{"too large a side", "image/png", encodePNG(t, 3000, 20), 400},
		{"empty", "image/png", nil, 400},
		{"too many bytes", "image/png", append(encodePNG(t, 32, 32), make([]byte, 600<<10)...), 413},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := sendRaw(t, e, "PUT", "/v4/track/account/logo", e.tokenA, c.ctype, c.data)
			if resp.StatusCode != c.want {
				t.Errorf("%d %s, want %d", resp.StatusCode, body, c.want)
			}
			if c.want == 400 && !strings.Contains(string(body), `"attr":"logo"`) {
				t.Errorf("problem does not name the logo: %s", body)
			}
		})
	}
	if a, _ := e.db.Account(t.Context(), 1001); a.LogoURL != second {
		t.Errorf("a refused upload changed the logo: %s", a.LogoURL)
	}
}
