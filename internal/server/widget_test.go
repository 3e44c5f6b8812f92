package server

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/widget"
)

func (d *demoEnv) signedWidget(o *status.Order, extra string) string {
	a := d.acctA
	if o.Account == d.acctB.ID {
		a = d.acctB
	}
	q := auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}, time.Hour, time.Now())
	return d.http.URL + "/v4/track/orders/info-widget/?" + q.Encode() + extra
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v (%.100s)", err, b)
	}
	return img
}

func assertOpaque(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				t.Fatalf("pixel %d,%d has alpha %d", x, y, a)
			}
		}
	}
}

func TestWidgetEveryDemoOrder(t *testing.T) {
	d := newDemoEnv(t)
	for _, o := range d.info.Orders {
		for _, scale := range []int{1, 2} {
			for _, theme := range []string{"light", "dark"} {
				code, body, hdr := get(t, nil, d.signedWidget(o, "&scale="+itoa64(int64(scale))+"&theme="+theme))
				if code != 200 || hdr.Get("Content-Type") != "image/png" || hdr.Get("X-Orderstatus-Widget") != "" {
					t.Fatalf("%s: %d %s %s", o.OrderNumber, code, hdr.Get("Content-Type"), hdr.Get("X-Orderstatus-Widget"))
				}
				img := decodePNG(t, []byte(body))
				if w := img.Bounds().Dx(); w != DefaultWidgetWidth*scale {
					t.Errorf("%s scale %d: width %d", o.OrderNumber, scale, w)
				}
				assertOpaque(t, img)
			}
		}
	}
}

func TestWidgetFallbackAndCaching(t *testing.T) {
	d := newDemoEnv(t)
	o := d.info.Orders[0]
	good := d.signedWidget(o, "&width=400&scale=1")
	a := d.acctA
	if o.Account != a.ID {
		a = d.acctB
	}
	expired := auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber}, time.Hour, time.Now().Add(-3*time.Hour))
	tampered := strings.Replace(good, "&s=", "&s=f", 1)
	unknown := auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: "GONE-1"}, time.Hour, time.Now())
	tests := []struct{ name, url, reason string }{
		{"expired", d.http.URL + "/v4/track/orders/info-widget/?" + expired.Encode(), "expired"},
		// Without a valid signature the reason does not tell whether the order exists.
		{"tampered", tampered, "unavailable"},
		{"unknown order", d.http.URL + "/v4/track/orders/info-widget/?" + unknown.Encode(), "unavailable"},
		{"unsigned", d.http.URL + "/v4/track/orders/info-widget/?account=1001&order_number=" + url.QueryEscape(o.OrderNumber), "unavailable"},
		{"bad width", strings.Replace(good, "width=400", "width=5000", 1), "bad-request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, hdr := get(t, nil, tt.url)
			if code != 200 || !strings.Contains(hdr.Get("X-Orderstatus-Widget"), "reason="+tt.reason) {
				t.Fatalf("%d %q", code, hdr.Get("X-Orderstatus-Widget"))
			}
			assertOpaque(t, decodePNG(t, []byte(body)))
		})
	}
	// Token callers get JSON errors instead.
	code, body, _ := get(t, nil, strings.Replace(good, "width=400", "width=5000", 1), "Authorization", "Bearer "+d.tokenA)
	if code != 400 || !strings.Contains(body, `"attr":"width"`) {
		t.Errorf("token caller with a bad width: %d %.200q", code, body)
	}
	// ETag and 304.
	code, _, hdr := get(t, nil, good)
	etag := hdr.Get("ETag")
	if code != 200 || etag == "" || hdr.Get("Cache-Control") != "no-cache" {
		t.Fatalf("%d etag=%q cc=%q", code, etag, hdr.Get("Cache-Control"))
	}
	if code, _, _ := get(t, nil, good, "If-None-Match", etag); code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", code)
	}
	if _, _, h2 := get(t, nil, good+"&theme=dark"); h2.Get("ETag") == etag {
		t.Errorf("the theme does not change the ETag")
	}
	st := d.srv.responses.Stats()
	entries, hits := st.Entries, st.Hits
	if entries == 0 || hits == 0 {
		t.Errorf("cache not used: %d entries, %d hits", entries, hits)
	}
	// Alt text for templating systems.
	alt := strings.Replace(good, "/info-widget/?", "/info-widget/alt?", 1)
	if code, body, _ := get(t, nil, alt+"&lang=en"); code != 200 || !strings.HasPrefix(body, "Order "+o.OrderNumber+": ") {
		t.Errorf("alt: %d %q", code, body)
	}
}

func TestWidgetDrawsNothingPersonal(t *testing.T) {
	e := newTestEnv(t)
	e.srv.SetClock(func() time.Time { return fixedNow })
	p := richOrder(leakMarkers)
	p["recipient_email"] = "markemailx@example.com"
	p["cod"] = [][]string{{"EUR", "98765.43"}}
	code, body := e.do(t, "PUT", "/v4/track/orders/", e.tokenA, p)
	if code != 201 {
		t.Fatalf("%d %s", code, body)
	}
	o, err := e.db.Order(t.Context(), decode[status.Order](t, body).ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Supported {
		info := status.BuildInfo(o, status.InfoOptions{Access: status.AccessShopper, Lang: lang, Now: fixedNow, T: i18n.T, FormatDate: i18n.FormatDateShort})
		var drawn []string
		_, err := widget.Render(widgetData(info.Story(), e.acctA, lang), widget.Options{Width: 600, Scale: 1, Theme: "light",
			TextLog: func(s string) { drawn = append(drawn, s) }})
		if err != nil {
			t.Fatal(err)
		}
		all := strings.ToUpper(strings.Join(drawn, "\n"))
		if !strings.Contains(all, "R-100") {
			t.Fatalf("the order number was not drawn: %q", drawn)
		}
		for _, m := range []string{"MARK", "EMAIL", "98765.43"} {
			if strings.Contains(all, m) {
				t.Errorf("lang %s: widget drew %q: %q", lang, m, drawn)
			}
		}
	}
}

func TestWidgetGlyphsForEveryLanguage(t *testing.T) {
	for _, lang := range i18n.Supported {
		missing := map[rune]bool{}
		for _, k := range i18n.Keys(lang) {
			for _, r := range widget.MissingGlyphs(i18n.T(lang, k)) {
				missing[r] = true
			}
		}
		if len(missing) != 0 {
			var rs []string
			for r := range missing {
				rs = append(rs, string(r))
			}
			t.Errorf("%s: %d runes the widget font lacks: %v", lang, len(missing), rs)
		}
	}
}
