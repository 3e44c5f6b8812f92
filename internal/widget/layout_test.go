package widget

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// layout lays out d as Render would, with faces released when the test ends.
func layout(t *testing.T, d Data, o Options) *plan {
	t.Helper()
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet(o.Scale)
	t.Cleanup(fs.release)
	return layoutOrder(d, o, fs)
}

func TestTextStaysInsideTheCard(t *testing.T) {
	const eps = 0.01
	for _, c := range cases {
		for _, width := range []int{320, 400, 479, 480, 600, 1200} {
			for _, scale := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/%d/x%d", c.name, width, scale), func(t *testing.T) {
					p := layout(t, c.data, opts(width, scale, "light"))
					if p.width != width*scale {
						t.Fatalf("plan width = %d, want %d", p.width, width*scale)
					}
					// Inside the card's border.
					inner := rect{p.margin + 1, p.margin + 1, float64(p.width) - p.margin - 1, float64(p.height) - p.margin - 1}
					for _, r := range p.texts {
						b := r.box
						if b.x0 < p.content.x0-eps || b.x1 > p.content.x1+eps {
							t.Errorf("%q spans x %.1f..%.1f, outside the content box %.1f..%.1f", r.text, b.x0, b.x1, p.content.x0, p.content.x1)
						}
						if b.x1-b.x0 > r.maxWidth+eps {
							t.Errorf("%q is %.1f wide, more than its box %.1f", r.text, b.x1-b.x0, r.maxWidth)
						}
						ink, _ := font.BoundString(r.face, r.text)
						ix0, ix1 := r.x+float64(ink.Min.X)/64, r.x+float64(ink.Max.X)/64
						iy0, iy1 := r.base+float64(ink.Min.Y)/64, r.base+float64(ink.Max.Y)/64
						if ix0 < inner.x0 || ix1 > inner.x1 || iy0 < inner.y0 || iy1 > inner.y1 {
							t.Errorf("%q inks (%.1f,%.1f)-(%.1f,%.1f), outside the card (%.1f,%.1f)-(%.1f,%.1f)",
								r.text, ix0, iy0, ix1, iy1, inner.x0, inner.y0, inner.x1, inner.y1)
						}
					}
					for i, a := range p.texts {
						for _, b := range p.texts[i+1:] {
							if a.box.x0 < b.box.x1-eps && b.box.x0 < a.box.x1-eps && a.box.y0 < b.box.y1-eps && b.box.y0 < a.box.y1-eps {
								t.Errorf("%q and %q overlap", a.text, b.text)
							}
						}
					}
				})
			}
		}
	}
}

func TestLongTextIsWrappedThenShortened(t *testing.T) {
	d := cases[len(cases)-1].data // everything_too_long
	for _, width := range []int{320, 600} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			p := layout(t, d, opts(width, 2, "light"))
			lines := map[string][]string{}
			var order []string
			for _, r := range p.texts {
				if lines[r.src] == nil {
					order = append(order, r.src)
				}
				lines[r.src] = append(lines[r.src], r.text)
			}
			shortened := 0
			for _, src := range order {
				got := lines[src]
				maxLines := 2
				if src == d.Headline && width < narrowWidth {
					maxLines = 3
				}
				if src == d.ShopName || src == d.CallToAction {
					maxLines = 1
				}
				if len(got) > maxLines {
					t.Errorf("%q drawn on %d lines, want at most %d", src, len(got), maxLines)
				}
				joined := strings.Join(got, "")
				if strings.HasSuffix(joined, ellipsis) {
					shortened++
				}
				// What is drawn is the start of the string, in order, with nothing added
				// but the ellipsis.
				squash := func(s string) string { return strings.ReplaceAll(s, " ", "") }
				if drawn := squash(strings.TrimSuffix(joined, ellipsis)); !strings.HasPrefix(squash(src), drawn) {
					t.Errorf("drawn %q is not the start of %q", got, src)
				}
			}
			if shortened == 0 {
				t.Error("no string was shortened with an ellipsis")
			}
		})
	}
}

func TestNarrowProgressShowsOnlyCurrentLabel(t *testing.T) {
	d := cases[0].data
	d.Headline = "On its way"
	for _, tt := range []struct {
		width int
		want  []string
	}{
		{320, []string{"Out for delivery"}},
		{479, []string{"Out for delivery"}},
		{480, englishSteps[:]},
		{1200, englishSteps[:]},
	} {
		p := layout(t, d, opts(tt.width, 1, "light"))
		var got []string
		for _, r := range p.texts {
			if slices.Contains(d.StepLabels[:], r.src) && !slices.Contains(got, r.src) {
				got = append(got, r.src)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("width %d: step labels drawn %q, want %q", tt.width, got, tt.want)
		}
	}
}

func TestFit(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet(1)
	t.Cleanup(fs.release)
	width := func(f fitted, line string) float64 { return float64(font.MeasureString(f.face, line)) / 64 }

	t.Run("short text keeps the largest size on one line", func(t *testing.T) {
		f := fs.fit("Shipped", true, sizes(24, 20), 300, 2)
		if f.size != 24 || len(f.lines) != 1 || f.lines[0] != "Shipped" {
			t.Errorf("fit = %q at %v, want one line at 24", f.lines, f.size)
		}
	})
	t.Run("a smaller size is preferred to a second line", func(t *testing.T) {
		s := "Out for delivery today"
		w := width(fs.fit(s, true, sizes(20), 1000, 1), s) + 1
		f := fs.fit(s, true, sizes(24, 20), w, 2)
		if f.size != 20 || len(f.lines) != 1 {
			t.Errorf("fit = %q at %v, want one line at 20", f.lines, f.size)
		}
	})
	t.Run("text wraps at spaces", func(t *testing.T) {
		f := fs.fit("Expected Tue 14 Oct between 10:00 and 12:00", false, sizes(14), 200, 2)
		if len(f.lines) != 2 || strings.HasSuffix(f.lines[1], ellipsis) {
			t.Errorf("fit = %q, want two whole lines", f.lines)
		}
		for _, l := range f.lines {
			if w := width(f, l); w > 200 {
				t.Errorf("line %q is %.1f wide, want at most 200", l, w)
			}
		}
	})
	t.Run("a word longer than the box is broken and shortened", func(t *testing.T) {
		s := strings.Repeat("Donaudampfschifffahrt", 10)
		f := fs.fit(s, false, sizes(14), 120, 2)
		if len(f.lines) != 2 || !strings.HasSuffix(f.lines[1], ellipsis) {
			t.Fatalf("fit = %q, want two lines, the last ending in an ellipsis", f.lines)
		}
		for _, l := range f.lines {
			if w := width(f, l); w > 120 {
				t.Errorf("line %q is %.1f wide, want at most 120", l, w)
			}
		}
	})
	t.Run("no room gives nothing", func(t *testing.T) {
		face := fs.face(false, 14)
		if got := ellipsize(face, "Shipped", fixed.I(2)); got != "" {
			t.Errorf("ellipsize in 2px = %q, want empty", got)
		}
		if f := fs.fit("Shipped", false, sizes(14), 0, 1); len(f.lines) != 0 {
			t.Errorf("fit in 0px = %q, want no lines", f.lines)
		}
	})
}
