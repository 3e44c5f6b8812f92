// Package widget renders the order status image embedded in shipping emails: data in, PNG
// bytes out. It knows nothing about HTTP or the database; every string it draws arrives
// already localised. Fonts are parsed once and shared; rendered images can be kept in a
// Cache.
package widget

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Data is what the widget shows. Nothing personal beyond the order number.
type Data struct {
	ShopName   string
	Accent     string // "#RRGGBB" shop accent colour; invalid gives a default dark teal
	OrderLabel string // already localised, e.g. "Order A-1001"
	Headline   string // status in words, e.g. "Out for delivery"
	// Icon is the icon hint: clock, box, label, truck, hub, customs, calendar, van, store,
	// locker, alert, check, return or cancel. Unknown hints draw the box.
	Icon string
	// Tone is "normal", "warning" (exceptions, failed attempts: amber), "success"
	// (delivered: green) or "muted" (cancelled: grey). Anything else is normal.
	Tone       string
	Step       int       // 1..5 current step; 0 draws no progress bar; out of range is clamped
	StepLabels [5]string // localised labels of the five steps
	Promise    string    // e.g. "Expected Tue 14 Oct" or "Delivered on Mon 13 Oct"; may be empty
	Courier    string    // e.g. "Shipped with DHL"; may be empty
	Summary    string    // multi-parcel, e.g. "2 of 3 parcels delivered"; may be empty
	Detail     string    // e.g. a pickup location and "Collect by Fri 17 Oct"; may be empty
	// CallToAction, e.g. "View details", is drawn as a button-like pill; may be empty.
	CallToAction string
}

// Options says how to draw the image.
type Options struct {
	Width int    // CSS pixels, 320..1200
	Scale int    // 1 or 2; the PNG is Width*Scale pixels wide
	Theme string // "light" or "dark"
	// TextLog, when set, is called once with each Data string (or Fallback text) that is
	// drawn, as given, before any wrapping or shortening; strings not drawn (empty ones,
	// step labels hidden at narrow widths) are not logged. Tests use it to prove that no
	// personal data is drawn.
	TextLog func(string)
}

// Validate reports the first problem with o, or nil.
func (o Options) Validate() error {
	switch {
	case o.Width < 320 || o.Width > 1200:
		return errors.New("width must be between 320 and 1200")
	case o.Scale != 1 && o.Scale != 2:
		return errors.New("scale must be 1 or 2")
	case o.Theme != "light" && o.Theme != "dark":
		return errors.New("theme must be light or dark")
	}
	return nil
}

// Render draws d as an opaque PNG Width*Scale pixels wide, its height following the
// content (about 200 to 320 CSS pixels at width 600). Text that does not fit its box is
// shrunk, wrapped (to two lines; a headline at narrow widths to three) or shortened with
// an ellipsis; it never overflows. Invalid options give o.Validate's error.
func Render(d Data, o Options) ([]byte, error) {
	return render(o, func(fs *faceSet) *plan { return layoutOrder(d, o, fs) })
}

// Fallback draws the neutral image used when a link is expired, tampered with or unknown:
// nothing of the shop, just text (e.g. "See your order status") beside a simple icon, under
// the same size rules as Render.
func Fallback(text string, o Options) ([]byte, error) {
	return render(o, func(fs *faceSet) *plan { return layoutFallback(text, o, fs) })
}

func render(o Options, layout func(*faceSet) *plan) ([]byte, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := loadFonts(); err != nil {
		return nil, err
	}
	fs := newFaceSet(o.Scale)
	defer fs.release()
	p := layout(fs)
	if o.TextLog != nil {
		for _, s := range p.sources {
			o.TextLog(s)
		}
	}
	img := newImage(p.width, p.height)
	defer pixPool.Put(&img.Pix)
	p.draw(img)
	return encodePNG(img)
}

// pixPool reuses image memory between renders: a 600-wide scale-2 image is 2.5 MB, and
// clearing fresh memory shows in the render time. draw overwrites every pixel.
var pixPool sync.Pool

func newImage(w, h int) *image.RGBA {
	n := 4 * w * h
	var pix []byte
	if b, ok := pixPool.Get().(*[]byte); ok && cap(*b) >= n {
		pix = (*b)[:n]
	} else {
		pix = make([]byte, n)
	}
	return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// draw paints the plan on img, which must be p.width by p.height; every pixel is
// overwritten with an opaque colour.
func (p *plan) draw(img *image.RGBA) {
	dc := gg.NewContextForRGBA(img)
	p.drawCard(img, dc)
	for _, shape := range p.shapes {
		shape(dc)
	}
	for _, t := range p.texts {
		d := font.Drawer{
			Dst:  img,
			Src:  image.NewUniform(t.color),
			Face: t.face,
			Dot:  fixed.Point26_6{X: fixed.Int26_6(t.x * 64), Y: fixed.I(int(t.base))},
		}
		d.DrawString(t.text)
	}
}

// drawCard paints the page and the card on it, with a border one device pixel wide.
// Filling shapes anti-aliased costs far more than copying rows, so the straight parts are
// copied from three prepared rows and only the corners are filled as curves.
func (p *plan) drawCard(img *image.RGBA, dc *gg.Context) {
	m, r := int(p.margin), int(p.radius)
	x0, y0, x1, y1 := m, m, p.width-m, p.height-m
	paint := func(row []byte, from, to int, c color.RGBA) {
		for x := from; x < to; x++ {
			copy(row[4*x:], []byte{c.R, c.G, c.B, 0xFF})
		}
	}
	page, edge, body := make([]byte, 4*p.width), make([]byte, 4*p.width), make([]byte, 4*p.width)
	paint(page, 0, p.width, p.pal.page)
	copy(edge, page)
	paint(edge, x0, x1, p.pal.border)
	copy(body, edge)
	paint(body, x0+1, x1-1, p.pal.card)
	for y := range p.height {
		row := body
		switch {
		case y < y0 || y >= y1:
			row = page
		case y == y0 || y == y1-1:
			row = edge
		}
		copy(img.Pix[y*img.Stride:], row)
	}
	fill := func(x0, y0 int, c color.RGBA) {
		draw.Draw(img, image.Rect(x0, y0, x0+r, y0+r), image.NewUniform(c), image.Point{}, draw.Src)
	}
	fill(x0, y0, p.pal.page)
	fill(x1-r, y0, p.pal.page)
	fill(x0, y1-r, p.pal.page)
	fill(x1-r, y1-r, p.pal.page)
	corners := [4]struct{ cx, cy, a int }{
		{x0 + r, y0 + r, 2}, {x1 - r, y0 + r, 3}, {x1 - r, y1 - r, 0}, {x0 + r, y1 - r, 1},
	}
	for _, c := range corners {
		cx, cy := float64(c.cx), float64(c.cy)
		a := float64(c.a) * math.Pi / 2
		for _, layer := range []struct {
			radius float64
			color  color.RGBA
		}{{float64(r), p.pal.border}, {float64(r - 1), p.pal.card}} {
			// A quarter disc from the corner's centre; its straight edges lie on pixel
			// boundaries, so they leave no blended seam against the rectangles.
			dc.MoveTo(cx, cy)
			dc.DrawArc(cx, cy, layer.radius, a, a+math.Pi/2)
			dc.ClosePath()
			dc.SetColor(layer.color)
			dc.Fill()
		}
	}
}
