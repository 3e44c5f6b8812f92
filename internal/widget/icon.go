package widget

import (
	"image/color"
	"math"

	"github.com/fogleman/gg"
)

// icons maps each icon hint to its drawing. The Go fonts have no symbols worth using, so
// icons are strokes on a 24×24 grid, in the manner of common line-icon sets.
var icons = map[string]func(p pen){
	"clock": func(p pen) {
		p.circle(12, 12, 9)
		p.poly(false, 12, 7, 12, 12, 15.5, 14.5)
		p.stroke()
	},
	"box": func(p pen) {
		p.poly(true, 12, 2.8, 20.5, 7.4, 20.5, 16.6, 12, 21.2, 3.5, 16.6, 3.5, 7.4)
		p.poly(false, 3.5, 7.4, 12, 12, 20.5, 7.4)
		p.poly(false, 12, 12, 12, 21.2)
		p.poly(false, 7.75, 5.1, 16.25, 9.7)
		p.stroke()
	},
	"label": func(p pen) {
		p.poly(true, 3, 3, 12, 3, 21, 12, 12, 21, 3, 12)
		p.stroke()
		p.dot(7.5, 7.5, 1.6)
	},
	"truck": func(p pen) {
		p.poly(true, 1.5, 4, 15, 4, 15, 16, 1.5, 16)
		p.poly(true, 15, 8.5, 19.5, 8.5, 22.5, 11.5, 22.5, 16, 15, 16)
		p.stroke()
		p.wheel(5.5, 18, 2.4)
		p.wheel(18.5, 18, 2.4)
	},
	"van": func(p pen) {
		p.poly(true, 1.5, 17, 1.5, 6, 15, 6, 19, 10.5, 22.5, 12, 22.5, 17)
		p.poly(false, 14, 6.5, 14, 11, 19, 11)
		p.stroke()
		p.wheel(6.5, 17.5, 2.4)
		p.wheel(17.5, 17.5, 2.4)
	},
	"hub": func(p pen) {
		p.circle(12, 12.5, 3)
		p.circle(12, 3.8, 2.2)
		p.circle(4.4, 17.3, 2.2)
		p.circle(19.6, 17.3, 2.2)
		p.poly(false, 12, 9.5, 12, 6)
		p.poly(false, 9.4, 14, 6.3, 16.1)
		p.poly(false, 14.6, 14, 17.7, 16.1)
		p.stroke()
	},
	"customs": func(p pen) {
		p.dc.NewSubPath()
		p.move(12, 2.5)
		p.line(20, 5.5)
		p.line(20, 11)
		p.cubic(20, 16, 16.5, 19.5, 12, 21.5)
		p.cubic(7.5, 19.5, 4, 16, 4, 11)
		p.line(4, 5.5)
		p.dc.ClosePath()
		p.circle(12, 11.5, 2.8)
		p.stroke()
	},
	"calendar": func(p pen) {
		p.poly(true, 3, 5, 21, 5, 21, 21, 3, 21)
		p.poly(false, 3, 10, 21, 10)
		p.poly(false, 8, 2.5, 8, 6.5)
		p.poly(false, 16, 2.5, 16, 6.5)
		p.stroke()
		for _, c := range [][2]float64{{8, 14}, {12, 14}, {16, 14}, {8, 17.5}, {12, 17.5}} {
			p.dot(c[0], c[1], 1.2)
		}
	},
	"store": func(p pen) {
		p.poly(true, 2.5, 9, 4.5, 3.5, 19.5, 3.5, 21.5, 9)
		p.poly(false, 4.5, 9, 4.5, 20.5, 19.5, 20.5, 19.5, 9)
		p.poly(false, 9.5, 20.5, 9.5, 14, 14.5, 14, 14.5, 20.5)
		p.stroke()
	},
	"locker": func(p pen) {
		p.poly(true, 4, 2.5, 20, 2.5, 20, 21.5, 4, 21.5)
		p.poly(false, 12, 2.5, 12, 21.5)
		p.poly(false, 4, 8.8, 20, 8.8)
		p.poly(false, 4, 15.2, 20, 15.2)
		p.stroke()
		for _, y := range []float64{5.7, 12, 18.4} {
			p.dot(9.5, y, 1)
			p.dot(14.5, y, 1)
		}
	},
	"alert": func(p pen) {
		p.poly(true, 12, 3, 22, 20.5, 2, 20.5)
		p.poly(false, 12, 9.5, 12, 14)
		p.stroke()
		p.dot(12, 17.3, 1.3)
	},
	"check": func(p pen) {
		p.poly(false, 5, 12.5, 10, 17.5, 19.5, 7)
		p.stroke()
	},
	"return": func(p pen) {
		p.move(4, 9)
		p.line(14.5, 9)
		p.arc(14.5, 14.5, 5.5, -math.Pi/2, math.Pi/2)
		p.line(8, 20)
		p.poly(false, 8.5, 4.5, 4, 9, 8.5, 13.5)
		p.stroke()
	},
	"cancel": func(p pen) {
		p.circle(12, 12, 9)
		p.poly(false, 8.8, 8.8, 15.2, 15.2)
		p.poly(false, 15.2, 8.8, 8.8, 15.2)
		p.stroke()
	},
}

// drawIcon draws the named icon (unknown names draw the box) centred at (cx, cy), size
// device pixels wide, in fg over the background bg.
func drawIcon(dc *gg.Context, name string, cx, cy, size float64, fg, bg color.RGBA) {
	draw, ok := icons[name]
	if !ok {
		draw = icons["box"]
	}
	k := size / 24
	draw(pen{dc: dc, ox: cx - size/2, oy: cy - size/2, k: k, fg: fg, bg: bg})
}

// pen draws on the 24×24 icon grid, placed at (ox, oy) and scaled by k.
type pen struct {
	dc     *gg.Context
	ox, oy float64
	k      float64
	fg, bg color.RGBA
}

func (p pen) x(v float64) float64 { return p.ox + v*p.k }
func (p pen) y(v float64) float64 { return p.oy + v*p.k }

func (p pen) move(x, y float64) { p.dc.MoveTo(p.x(x), p.y(y)) }
func (p pen) line(x, y float64) { p.dc.LineTo(p.x(x), p.y(y)) }

func (p pen) cubic(x1, y1, x2, y2, x3, y3 float64) {
	p.dc.CubicTo(p.x(x1), p.y(y1), p.x(x2), p.y(y2), p.x(x3), p.y(y3))
}

func (p pen) arc(cx, cy, r, a1, a2 float64) { p.dc.DrawArc(p.x(cx), p.y(cy), r*p.k, a1, a2) }

func (p pen) circle(cx, cy, r float64) { p.dc.DrawCircle(p.x(cx), p.y(cy), r*p.k) }

// poly adds a polyline through the coordinate pairs xy, closed when closed is set.
func (p pen) poly(closed bool, xy ...float64) {
	p.dc.NewSubPath()
	p.move(xy[0], xy[1])
	for i := 2; i+1 < len(xy); i += 2 {
		p.line(xy[i], xy[i+1])
	}
	if closed {
		p.dc.ClosePath()
	}
}

func (p pen) stroke() {
	p.dc.SetColor(p.fg)
	p.dc.SetLineWidth(2 * p.k)
	p.dc.SetLineCap(gg.LineCapRound)
	p.dc.SetLineJoin(gg.LineJoinRound)
	p.dc.Stroke()
}

func (p pen) dot(cx, cy, r float64) {
	p.circle(cx, cy, r)
	p.dc.SetColor(p.fg)
	p.dc.Fill()
}

// wheel draws a wheel that covers the lines behind it.
func (p pen) wheel(cx, cy, r float64) {
	p.circle(cx, cy, r)
	p.dc.SetColor(p.bg)
	p.dc.FillPreserve()
	p.stroke()
}
