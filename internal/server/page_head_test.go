package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/static"
)

var metaDescription = regexp.MustCompile(`<meta name="description" content="[^"]{20,}">`)

var stylesheetLink = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)

// TestShopperPagesHead: every shopper page (order pages at both levels, search, errors,
// verification) tells search engines not to index it, describes itself, and loads exactly
// one stylesheet, the shop's when the shop is known.
func TestShopperPagesHead(t *testing.T) {
	d := newDemoEnv(t)
	type page struct{ name, url, wantCSS string }
	var pages []page
	for _, o := range d.info.Orders {
		css := "/brand/" + itoa64(o.Account) + "."
		pages = append(pages, page{o.OrderNumber + " public", publicPage(d.http.URL, o), css}, page{o.OrderNumber + " shopper", d.signedPage(o), css})
	}
	pages = append(pages,
		page{"search", d.http.URL + "/", static.Path("app.css")},
		// Branded by the account the request names (TestPageErrorsBrandedByLookupAccount).
		page{"not found", d.http.URL + "/track?account=1001&order_number=NOPE", "/brand/1001."},
		page{"bad request", d.http.URL + "/track?order_number=x", static.Path("app.css")})
	for _, p := range pages {
		_, body, _ := get(t, nil, p.url)
		head, _, _ := strings.Cut(body, "</head>")
		if !strings.Contains(head, `<meta name="robots" content="noindex">`) {
			t.Errorf("%s: no robots noindex", p.name)
		}
		if !metaDescription.MatchString(head) {
			t.Errorf("%s: no meta description", p.name)
		}
		links := stylesheetLink.FindAllStringSubmatch(body, -1)
		if len(links) != 1 || !strings.HasPrefix(links[0][1], p.wantCSS) {
			t.Errorf("%s: stylesheets %q, want one starting %s", p.name, links, p.wantCSS)
		}
	}
}

// TestBrandStylesheet: a shop's one stylesheet is app.css followed by its accent for the
// light theme and status.DarkAccent of it for the dark one, under a content hash cached
// forever; an old hash gets the current colours, revalidated.
func TestBrandStylesheet(t *testing.T) {
	d := newDemoEnv(t)
	_, body, _ := get(t, nil, d.signedPage(demoOrder(t, d, "B-2001")))
	m := stylesheetLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no stylesheet")
	}
	code, css, h := get(t, nil, d.http.URL+m[1])
	if code != 200 || h.Get("Content-Type") != "text/css; charset=utf-8" || h.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("GET %s: %d %q %q", m[1], code, h.Get("Content-Type"), h.Get("Cache-Control"))
	}
	app, _ := static.Body("app.css")
	accent := d.acctB.AccentColor
	for _, want := range []string{string(app), ":root{--accent:" + accent + "}", "@media (prefers-color-scheme: dark){:root{--accent:" + status.DarkAccent(accent) + "}}"} {
		if !strings.Contains(css, want) {
			t.Errorf("stylesheet lacks %.80q", want)
		}
	}
	if code, _, h := get(t, nil, d.http.URL+m[1], "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
		t.Errorf("revalidation: %d %v", code, h)
	}
	code, stale, h := get(t, nil, d.http.URL+"/brand/1002.000000000000.css")
	if code != 200 || stale != css || h.Get("Cache-Control") != "no-cache" {
		t.Errorf("old hash: %d, same body %v, Cache-Control %q", code, stale == css, h.Get("Cache-Control"))
	}
	for _, u := range []string{"/brand/9999.abc.css", "/brand/x.css", "/brand/1002"} {
		if code, _, _ := get(t, nil, d.http.URL+u); code != 404 {
			t.Errorf("GET %s: %d, want 404", u, code)
		}
	}
}

// TestAppCSSDarkAccent: app.css's own dark-theme accent is the one status.DarkAccent derives
// from its light one, as every shop's stylesheet does.
func TestAppCSSDarkAccent(t *testing.T) {
	app, _ := static.Body("app.css")
	_, dark, ok := strings.Cut(string(app), "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("app.css has no dark theme")
	}
	light := regexp.MustCompile(`--accent: (#[0-9a-f]{6})`).FindStringSubmatch(string(app))
	got := regexp.MustCompile(`--accent: (#[0-9a-f]{6})`).FindStringSubmatch(dark)
	if light == nil || got == nil || light[1] != defaultAccent || got[1] != status.DarkAccent(defaultAccent) {
		t.Errorf("app.css accents: light %v (want %s), dark %v (want %s)", light, defaultAccent, got, status.DarkAccent(defaultAccent))
	}
	if card := regexp.MustCompile(`--card: (#[0-9a-f]{6})`).FindStringSubmatch(dark); card == nil || card[1] != status.DarkBackground {
		t.Errorf("dark --card %v, want status.DarkBackground %s (the accent's contrast is computed against it)", card, status.DarkBackground)
	}
}
