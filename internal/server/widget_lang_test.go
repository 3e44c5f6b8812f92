package server

import (
	"image"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/widget"
)

// TestWidgetDrawsGreekAndCyrillic renders a demo order's widget in Greek, Bulgarian,
// Ukrainian and Russian, decodes the PNG, and compares it with the same widget whose
// letters are replaced by a rune the fonts lack (drawn as the .notdef box): a script the
// fonts did not cover would draw boxes either way and the two images would match.
func TestWidgetDrawsGreekAndCyrillic(t *testing.T) {
	d := newDemoEnv(t)
	o := d.info.Orders[0]
	now := time.Now()
	const tofu = '\u4e00' // a CJK ideograph: not in the Go fonts
	if len(widget.MissingGlyphs(string(tofu))) != 1 {
		t.Fatal("the Go fonts draw the replacement rune; pick another")
	}
	for _, tt := range []struct {
		lang   string
		script *unicode.RangeTable
	}{{"el", unicode.Greek}, {"bg", unicode.Cyrillic}, {"uk", unicode.Cyrillic}, {"ru", unicode.Cyrillic}} {
		t.Run(tt.lang, func(t *testing.T) {
			sm := status.Summarize(o, status.SummaryOptions{Access: status.AccessShopper, Lang: tt.lang, Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort})
			data := widgetData(sm, d.acctA, tt.lang)
			var drawn []string
			img := renderPNG(t, data, func(s string) { drawn = append(drawn, s) })
			letters := 0
			for _, r := range strings.Join(drawn, "") {
				if unicode.Is(tt.script, r) {
					letters++
				}
			}
			if letters < 20 {
				t.Fatalf("%d letters of the script drawn, want the widget in %s: %q", letters, tt.lang, drawn)
			}
			boxed := mapWidgetText(data, func(r rune) rune {
				if unicode.Is(tt.script, r) {
					return tofu
				}
				return r
			})
			ref := renderPNG(t, boxed, nil)
			if n := differingPixels(img, ref); n < 20*letters {
				t.Errorf("only %d pixels differ from the boxed rendering of %d letters", n, letters)
			}
		})
	}
}

// renderPNG draws d and decodes the PNG.
func renderPNG(t *testing.T, d widget.Data, log func(string)) image.Image {
	t.Helper()
	b, err := widget.Render(d, widget.Options{Width: 600, Scale: 1, Theme: "light", TextLog: log})
	if err != nil {
		t.Fatal(err)
	}
	return decodePNG(t, b)
}

// mapWidgetText applies f to every rune of every string the widget draws.
func mapWidgetText(d widget.Data, f func(rune) rune) widget.Data {
	for _, s := range []*string{&d.ShopName, &d.OrderLabel, &d.Headline, &d.Promise, &d.Courier, &d.Summary, &d.Detail, &d.CallToAction} {
		*s = strings.Map(f, *s)
	}
	for i := range d.StepLabels {
		d.StepLabels[i] = strings.Map(f, d.StepLabels[i])
	}
	return d
}

// differingPixels counts the pixels where a and b differ; a pixel that only one image has
// (boxes are wider than letters, so text wraps differently) counts as differing.
func differingPixels(a, b image.Image) int {
	r := a.Bounds().Intersect(b.Bounds())
	n := a.Bounds().Dx()*a.Bounds().Dy() + b.Bounds().Dx()*b.Bounds().Dy() - 2*r.Dx()*r.Dy()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			if ar != br || ag != bg || ab != bb {
				n++
			}
		}
	}
	return n
}
