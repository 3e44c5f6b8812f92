package server

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// returnable finds a demo order of the account that status.Summary says has reached the
// shopper (the returns link shows), and one that has not.
func returnable(t *testing.T, d *demoEnv, account int64) (yes, no *status.Order) {
	t.Helper()
	for _, o := range d.info.Orders {
		if o.Account != account {
			continue
		}
		sm := status.Summarize(o, status.SummaryOptions{Access: status.AccessShopper, Now: d.now})
		if sm.Returnable() && yes == nil {
			yes = o
		}
		if !sm.Returnable() && !sm.Cancelled && no == nil {
			no = o
		}
	}
	if yes == nil || no == nil {
		t.Fatalf("account %d: demo lacks a delivered (%v) or an undelivered (%v) order", account, yes, no)
	}
	return yes, no
}

// rgb is a "#rrggbb" colour as getComputedStyle writes it.
func rgb(hex string) string {
	r, g, b, _ := status.ParseHexColor(hex)
	return fmt.Sprintf("rgb(%d, %d, %d)", r, g, b)
}

// TestBrowserBrandedPage: a shop's page carries its display name and logo linking to the
// shop, its accent colour in both colour schemes from one stylesheet, its support contact,
// and "Start a return" once the order is delivered.
func TestBrowserBrandedPage(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)

	// Northwind (1001) has a display name beside its account name.
	delivered, transit := returnable(t, d, 1001)
	b.Navigate(d.signedPage(delivered) + "&lang=en")
	if got := b.Text(`[data-testid="shop-link"]`); got != d.acctA.DisplayName || d.acctA.DisplayName == d.acctA.Name {
		t.Errorf("shop link text %q, want the display name %q (not %q)", got, d.acctA.DisplayName, d.acctA.Name)
	}
	if href, _ := b.Attr(`[data-testid="shop-link"]`, "href"); href != d.acctA.ShopURL {
		t.Errorf("shop link %q, want %q", href, d.acctA.ShopURL)
	}
	if rel, _ := b.Attr(`[data-testid="shop-link"]`, "rel"); !strings.Contains(rel, "noopener") {
		t.Errorf("shop link rel %q", rel)
	}
	if src, _ := b.Attr(`[data-testid="shop-link"] img`, "src"); src != d.acctA.LogoURL {
		t.Errorf("logo %q, want %q", src, d.acctA.LogoURL)
	}
	if !browsertest.Eval[bool](b, `document.querySelector('[data-testid="shop-link"] img').naturalWidth > 0`) {
		t.Errorf("the logo did not load")
	}
	if href, _ := b.Attr(`[data-testid="returns-link"]`, "href"); href != d.acctA.ReturnsURL {
		t.Errorf("delivered %s: returns link %q, want %q", delivered.OrderNumber, href, d.acctA.ReturnsURL)
	}
	if got := b.Text(`[data-testid="returns-link"]`); got != i18n.T("en", "page.start_return") {
		t.Errorf("returns link text %q", got)
	}
	for sel, want := range map[string]string{
		`[data-testid="support-email"]`: "mailto:" + d.acctA.SupportEmail,
		`[data-testid="support-phone"]`: "tel:" + telDigits(d.acctA.SupportPhone),
		`[data-testid="support-url"]`:   d.acctA.SupportURL,
	} {
		if href, _ := b.Attr(`[data-testid="support-contact"] `+sel, "href"); href != want {
			t.Errorf("support contact %s: %q, want %q", sel, href, want)
		}
	}
	b.Navigate(d.signedPage(transit) + "&lang=en")
	if b.Exists(`[data-testid="returns-link"]`) {
		t.Errorf("undelivered %s offers a return", transit.OrderNumber)
	}

	// Bergfeld (1002) has an accent of its own: links and buttons take it in the light
	// scheme and its DarkAccent on the dark background in the dark one, from one stylesheet.
	delivered, _ = returnable(t, d, 1002)
	accent := d.acctB.AccentColor
	for _, c := range []struct{ scheme, accent, card string }{
		{"light", accent, "#ffffff"},
		{"dark", status.DarkAccent(accent), status.DarkBackground},
	} {
		b.SetColorScheme(c.scheme)
		b.Navigate(d.signedPage(delivered))
		if n := browsertest.Eval[int](b, `performance.getEntriesByType('resource').filter(e => e.initiatorType === 'link' && e.name.includes('.css')).length + document.querySelectorAll('link[rel=stylesheet]').length`); n != 2 {
			t.Errorf("%s: %d stylesheet links and requests, want one of each", c.scheme, n)
		}
		style := func(sel, prop string) string {
			return browsertest.Eval[string](b, `getComputedStyle(document.querySelector('`+sel+`')).`+prop)
		}
		if got := style(`[data-testid="support-email"]`, "color"); got != rgb(c.accent) {
			t.Errorf("%s: link colour %s, want %s", c.scheme, got, rgb(c.accent))
		}
		if got := style(`[data-testid="returns-link"]`, "borderTopColor"); got != rgb(c.accent) {
			t.Errorf("%s: returns button border %s, want %s", c.scheme, got, rgb(c.accent))
		}
		if got := style(`[data-testid="parcel"]`, "backgroundColor"); got != rgb(c.card) {
			t.Errorf("%s: card background %s, want %s", c.scheme, got, rgb(c.card))
		}
		if vs := b.AxeViolations(); len(vs) > 0 {
			t.Errorf("%s: %s", c.scheme, browsertest.FormatViolations(vs))
		}
	}
}

// telDigits is what the page puts in a tel: link.
func telDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '+' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// TestBrowserOrderOverview: an order of several parcels opens with its number, date and
// parcel count and one line per parcel (state, promise, courier, as the summary says them)
// linking to the parcel's card; the address they share is shown once.
func TestBrowserOrderOverview(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	o := demoOrder(t, d, "A-1006")
	sm := status.Summarize(o, status.SummaryOptions{Access: status.AccessShopper, Lang: "en", Now: d.now, T: i18n.T, FormatDate: i18n.FormatDateShort})
	if len(sm.Parcels) < 3 || !sm.SharedAddress {
		t.Fatalf("A-1006: want three parcels to one address, have %d (shared %v)", len(sm.Parcels), sm.SharedAddress)
	}
	b.SetViewport(360, 800)
	b.Navigate(d.signedPage(o) + "&lang=en")
	if got := b.Text(`[data-testid="parcel-count"]`); got != itoa64(int64(len(o.Trackings))) {
		t.Errorf("parcel count %q", got)
	}
	ts, _ := status.ParseTimestamp(o.OrderDate)
	if got, want := b.Text(`[data-testid="order-date"]`), i18n.FormatDateLong("en", ts); got != want {
		t.Errorf("order date %q, want %q", got, want)
	}
	if n := b.Count(`[data-testid="overview-link"]`); n != len(sm.Parcels) {
		t.Fatalf("%d overview lines, want %d", n, len(sm.Parcels))
	}
	for i, ps := range sm.Parcels {
		sel := fmt.Sprintf(`[data-testid="overview"] li:nth-child(%d) a`, i+1)
		text := b.Text(sel)
		for _, want := range []string{ps.Title, ps.Promise.Today, ps.Courier} {
			if !strings.Contains(text, want) {
				t.Errorf("overview line %d %q lacks %q", i+1, text, want)
			}
		}
		href, _ := b.Attr(sel, "href")
		if !browsertest.Eval[bool](b, `document.getElementById('`+strings.TrimPrefix(href, "#")+`')?.dataset.testid === 'parcel'`) {
			t.Errorf("overview line %d links to %q, which is no parcel card", i+1, href)
		}
	}
	if n := b.Count(`[data-testid="address"]`); n != 1 {
		t.Errorf("the shared address is shown %d times", n)
	}
	// The last line leads to the last card, which the browser then scrolls to.
	b.Click(`[data-testid="overview"] li:last-child a`)
	last := o.Trackings[len(o.Trackings)-1].ID
	if !strings.HasSuffix(b.Location(), "#parcel-"+last) || !browsertest.Eval[bool](b, `document.querySelector(':target') === document.getElementById('parcel-`+last+`')`) {
		t.Errorf("after the last overview link: %s", b.Location())
	}
	if top := browsertest.Eval[float64](b, `document.getElementById('parcel-`+last+`').getBoundingClientRect().top`); top < 0 || top > 100 {
		t.Errorf("the linked card is at %.0f px from the top of the window", top)
	}
}

// TestBrowserNoScriptJourney: without JavaScript the one-row header offers a "Change"
// button beside the language select, and the vote is answered in the parcel's card after a
// POST and a redirect.
func TestBrowserNoScriptJourney(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	b.DisableScripts(true)
	b.SetViewport(360, 800)
	o := demoOrder(t, d, "A-1001")
	b.Navigate(d.signedPage(o) + "&lang=en")
	if got := b.Text(`[data-testid="lang-submit"]`); got != i18n.T("en", "page.language_change") {
		t.Errorf("language button %q, want the verb %q", got, i18n.T("en", "page.language_change"))
	}
	// One row at 360 px, with the longest demo shop name and the German verb too, and on the
	// search page: the header is no taller than its tallest item plus its padding, and the
	// name, the select and the button share a line.
	mid := func(sel string) string {
		return `(r => r.top + r.height / 2)(document.querySelector('` + sel + `').getBoundingClientRect())`
	}
	for _, u := range []string{d.signedPage(demoOrder(t, d, "B-2001")) + "&lang=de", d.http.URL + "/", d.signedPage(o) + "&lang=en"} {
		b.Navigate(u)
		if h := browsertest.Eval[float64](b, `document.querySelector('.topbar').getBoundingClientRect().height`); h > 72 {
			t.Errorf("%s: header %.0f px tall at 360 px, want one row (at most 72)", u, h)
		}
		if !browsertest.Eval[bool](b, `Math.abs(`+mid(".brand")+` - `+mid("#lang-select")+`) < 8 && Math.abs(`+mid(".brand")+` - `+mid(`[data-testid="lang-submit"]`)+`) < 8`) {
			t.Errorf("%s: the language select and button are not on the name's row", u)
		}
	}
	browsertest.Eval[string](b, `document.querySelector('#lang-select').value = 'de'`)
	if code := b.ClickNavigate(`[data-testid="lang-submit"]`); code != 200 {
		t.Fatalf("language: %d", code)
	}
	if lang := browsertest.Eval[string](b, `document.documentElement.lang`); lang != "de" {
		t.Errorf("html lang %q after Change", lang)
	}
	if code := b.ClickNavigate(`[data-testid="vote-down"]`); code != 200 {
		t.Fatalf("feedback: %d", code)
	}
	card := `#parcel-` + o.Trackings[0].ID
	if !b.Exists(card+` [data-testid="feedback-thanks"]`) || b.Exists(`[data-testid="vote-up"]`) {
		t.Errorf("after the vote: thanks in the card %v, buttons still there %v", b.Exists(card+` [data-testid="feedback-thanks"]`), b.Exists(`[data-testid="vote-up"]`))
	}
	if !strings.HasSuffix(b.Location(), card) {
		t.Errorf("the vote did not come back to the card: %s", b.Location())
	}
	b.DisableScripts(false) // axe runs in the page, on the document as it came without scripts
	if vs := b.AxeViolations(); len(vs) > 0 {
		t.Errorf("after the vote: %s", browsertest.FormatViolations(vs))
	}
}

// TestBrowserStepperIsOneLine: at desktop width the progress line runs without a break from
// the first step's dot to the last's. Read from the pixels: between the dots no pixel of the
// line's row has the card's colour.
func TestBrowserStepperIsOneLine(t *testing.T) {
	b := browsertest.New(t)
	d := newDemoEnv(t)
	b.SetViewport(1280, 900)
	b.Navigate(d.signedPage(demoOrder(t, d, "A-1006")) + "&lang=en")
	geo := browsertest.Eval[[]float64](b, `(() => {
		const steps = [...document.querySelector('.steps').children];
		const r = steps.map(s => s.getBoundingClientRect());
		const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
		const y = r[0].top + window.scrollY + 0.55 * rem + 2;
		return [y, ...r.map(x => x.left + x.width / 2 + window.scrollX), 0.55 * rem + 4];
	})()`)
	y, centres, dot := int(geo[0]), geo[1:len(geo)-1], geo[len(geo)-1]
	p := filepath.Join(t.TempDir(), "stepper.png")
	b.Screenshot(p)
	shot, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	gaps := 0
	for i := 0; i+1 < len(centres); i++ {
		for x := int(centres[i] + dot); x < int(centres[i+1]-dot); x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 255 && g>>8 == 255 && bl>>8 == 255 {
				gaps++
			}
		}
	}
	if gaps > 0 {
		t.Errorf("the progress line has %d card-coloured pixels between the dots at y=%d (screenshot %s)", gaps, y, p)
	}
}
