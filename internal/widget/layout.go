package widget

import (
	"image/color"
	"math"
	"strings"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
)

// narrowWidth is the CSS width below which the header stacks and the progress bar shows
// only the current step's label.
const narrowWidth = 480

// rect is a box in device pixels.
type rect struct{ x0, y0, x1, y1 float64 }

// textRun is one line of text placed in device pixels.
type textRun struct {
	src      string // the Data string the line comes from
	text     string
	face     font.Face
	color    color.RGBA
	x, base  float64 // left end of the baseline
	box      rect    // advance width by ascent and descent
	maxWidth float64 // width of the box the line was fitted to
}

// plan is a laid-out image: everything the renderer draws, in device pixels. Laying out
// before drawing lets the height follow the content, and lets tests check every text box.
type plan struct {
	width, height int
	pal           palette
	margin        float64 // page around the card
	radius        float64 // card corners
	content       rect    // where text may go
	shapes        []func(dc *gg.Context)
	texts         []textRun
	sources       []string // the strings drawn, for Options.TextLog
}

// metrics is the state of one layout: its spacing in device pixels, its colours and
// faces, and the plan being built.
type metrics struct {
	s      float64 // scale
	narrow bool
	x0, w  float64 // content box left edge and width
	padY   float64
	margin float64
	radius float64
	pal    palette
	fs     *faceSet
	p      *plan
}

func newMetrics(o Options, fs *faceSet) *metrics {
	s := float64(o.Scale)
	m := &metrics{s: s, narrow: o.Width < narrowWidth, fs: fs, pal: themePalette(o.Theme)}
	m.margin, m.radius = 8*s, 14*s
	padX := 24 * s
	m.padY = 20 * s
	if m.narrow {
		padX, m.padY = 16*s, 18*s
	}
	width := float64(o.Width) * s
	m.x0 = m.margin + padX
	m.w = width - 2*m.x0
	m.p = &plan{width: o.Width * o.Scale, pal: m.pal, margin: m.margin, radius: m.radius}
	return m
}

// finish sets the height from the bottom of the content.
func (m *metrics) finish(bottom float64) *plan {
	m.p.height = int(math.Ceil(bottom + m.padY + m.margin))
	m.p.content = rect{m.x0, m.margin + m.padY, m.x0 + m.w, bottom}
	return m.p
}

// Alignment of lines inside their box.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// place adds fitted lines inside the box starting at x, top, w wide, each line lineH
// tall, and returns the height used. src is the string they came from, for the text log.
func (m *metrics) place(src string, f fitted, col color.RGBA, x, top, w, lineH float64, align int) float64 {
	if len(f.lines) == 0 {
		return 0
	}
	m.p.sources = append(m.p.sources, src)
	met := f.face.Metrics()
	asc, desc := float64(met.Ascent)/64, float64(met.Descent)/64
	for i, line := range f.lines {
		lw := float64(font.MeasureString(f.face, line)) / 64
		lx := x
		switch align {
		case alignCenter:
			lx = x + (w-lw)/2
		case alignRight:
			lx = x + w - lw
		}
		// Whole pixels keep hinted glyphs crisp; rounding down stays inside the box.
		lx = max(math.Floor(lx), x)
		base := math.Round(top + float64(i)*lineH + (lineH-asc-desc)/2 + asc)
		m.p.texts = append(m.p.texts, textRun{
			src: src, text: line, face: f.face, color: col, x: lx, base: base,
			box:      rect{lx, base - asc, lx + lw, base + desc},
			maxWidth: w,
		})
	}
	return float64(len(f.lines)) * lineH
}

// sizes lists font sizes in CSS pixels, largest first; the face set applies the scale.
func sizes(v ...float64) []float64 { return v }

// widest returns the width of the widest line of f in device pixels.
func widest(f fitted) float64 {
	var w float64
	for _, l := range f.lines {
		w = max(w, float64(font.MeasureString(f.face, l))/64)
	}
	return w
}

// layoutOrder lays out the order status image.
func layoutOrder(d Data, o Options, fs *faceSet) *plan {
	m := newMetrics(o, fs)
	s, pal := m.s, m.pal
	accent := readable(parseAccent(d.Accent), pal.card, 4.5)
	tn := toneColors(d.Tone, accent, pal)
	y := m.margin + m.padY

	// Header: shop name left, order label right, or stacked when narrow.
	shop, order := clean(d.ShopName), clean(d.OrderLabel)
	if shop != "" || order != "" {
		const lineH = 22
		// The order number matters more than the shop name: rather than cut it short
		// beside the name, put it on its own line(s) below.
		of := fs.fit(order, false, sizes(13), m.w*0.45, 1)
		if m.narrow || strings.HasSuffix(strings.Join(of.lines, ""), ellipsis) {
			f := fs.fit(shop, true, sizes(16, 15, 14), m.w, 1)
			y += m.place(d.ShopName, f, accent, m.x0, y, m.w, lineH*s, alignLeft)
			f = fs.fit(order, false, sizes(13), m.w, 2)
			y += m.place(d.OrderLabel, f, pal.muted, m.x0, y, m.w, 18*s, alignLeft)
		} else {
			shopW := m.w
			if len(of.lines) > 0 {
				shopW -= widest(of) + 16*s
			}
			sf := fs.fit(shop, true, sizes(16, 15, 14), shopW, 1)
			m.place(d.ShopName, sf, accent, m.x0, y, shopW, lineH*s, alignLeft)
			m.place(d.OrderLabel, of, pal.muted, m.x0, y, m.w, lineH*s, alignRight)
			y += lineH * s
		}
		y += 12 * s
	}

	// Badge and headline.
	diam, gap, hsizes, hlines := 48*s, 14*s, sizes(24, 22, 20), 2
	if m.narrow {
		// Beside the badge a narrow headline has room for few words; a third line keeps
		// long statuses ("Przesyłka została dostarczona do punktu odbioru") whole.
		diam, gap, hsizes, hlines = 42*s, 12*s, sizes(20, 19, 18), 3
	}
	hx := m.x0 + diam + gap
	hw := m.w - diam - gap
	hf := fs.fit(clean(d.Headline), true, hsizes, hw, hlines)
	lineH := math.Round(hf.size * 1.25 * s)
	textH := float64(len(hf.lines)) * lineH
	rowH := max(diam, textH)
	m.place(d.Headline, hf, tn.headline, hx, y+(rowH-textH)/2, hw, lineH, alignLeft)
	bx, by := m.x0+diam/2, y+rowH/2
	icon := d.Icon
	m.p.shapes = append(m.p.shapes, func(dc *gg.Context) {
		dc.DrawCircle(bx, by, diam/2)
		dc.SetColor(tn.tint)
		dc.Fill()
		drawIcon(dc, icon, bx, by, diam*0.5, tn.fg, tn.tint)
	})
	y += rowH

	if step := min(max(d.Step, 0), 5); step > 0 {
		y += 18 * s
		y = m.progress(d, step, tn, y)
	}

	y = m.info(d, tn, accent, y)
	return m.finish(y)
}

// progress lays out the five-step bar starting at y and returns the y below it.
func (m *metrics) progress(d Data, step int, tn tone, y float64) float64 {
	s, pal, fs := m.s, m.pal, m.fs
	ringR, dotR, futureR := 12*s, 8*s, 6*s
	var cx [5]float64
	cw := m.w / 5
	for i := range cx {
		if m.narrow {
			// No labels under every dot, so the bar can use the full width.
			cx[i] = m.x0 + ringR + (m.w-2*ringR)*float64(i)/4
		} else {
			cx[i] = m.x0 + cw*(float64(i)+0.5)
		}
	}
	cy := y + ringR
	cur := step - 1
	current := tn.fg
	// A delivered order has nothing left to do: its last step shows done, not pending.
	finished := step == 5 && d.Tone == "success"
	m.p.shapes = append(m.p.shapes, func(dc *gg.Context) {
		h := 4 * s
		dc.DrawRoundedRectangle(cx[0], cy-h/2, cx[4]-cx[0], h, h/2)
		dc.SetColor(pal.track)
		dc.Fill()
		if cur > 0 {
			dc.DrawRoundedRectangle(cx[0], cy-h/2, cx[cur]-cx[0], h, h/2)
			dc.SetColor(tn.done)
			dc.Fill()
		}
		for i, x := range cx {
			switch {
			case i < cur:
				dc.DrawCircle(x, cy, dotR)
				dc.SetColor(tn.done)
				dc.Fill()
				tick(dc, x, cy, dotR, onColor(tn.done), 1.6*s)
			case i == cur:
				dc.DrawCircle(x, cy, ringR)
				dc.SetColor(tn.tint)
				dc.Fill()
				dc.DrawCircle(x, cy, ringR-1*s)
				dc.SetColor(current)
				dc.SetLineWidth(2 * s)
				dc.Stroke()
				if finished {
					dc.DrawCircle(x, cy, dotR)
					dc.SetColor(current)
					dc.Fill()
					tick(dc, x, cy, dotR, onColor(current), 1.6*s)
				} else {
					dc.DrawCircle(x, cy, dotR-2*s)
					dc.SetColor(current)
					dc.Fill()
				}
			default:
				dc.DrawCircle(x, cy, futureR)
				dc.SetColor(pal.card)
				dc.FillPreserve()
				dc.SetColor(pal.track)
				dc.SetLineWidth(2 * s)
				dc.Stroke()
			}
		}
	})
	y = cy + ringR + 8*s

	if m.narrow {
		label := clean(d.StepLabels[cur])
		f := fs.fit(label, true, sizes(13), m.w, 2)
		bw := widest(f)
		bx := min(max(cx[cur]-bw/2, m.x0), m.x0+m.w-bw)
		return y + m.place(d.StepLabels[cur], f, pal.text, bx, y, bw, 17*s, alignCenter)
	}
	var h float64
	for i, label := range d.StepLabels {
		bold, col := i == cur, pal.muted
		if bold {
			col = pal.text
		}
		f := fs.fit(clean(label), bold, sizes(12), cw-8*s, 2)
		h = max(h, m.place(label, f, col, cx[i]-cw/2+4*s, y, cw-8*s, 15*s, alignCenter))
	}
	return y + h
}

// tick draws a small check mark inside a step dot of radius r.
func tick(dc *gg.Context, x, y, r float64, c color.RGBA, width float64) {
	dc.MoveTo(x-0.42*r, y+0.02*r)
	dc.LineTo(x-0.12*r, y+0.34*r)
	dc.LineTo(x+0.44*r, y-0.32*r)
	dc.SetColor(c)
	dc.SetLineWidth(width)
	dc.SetLineCap(gg.LineCapRound)
	dc.SetLineJoin(gg.LineJoinRound)
	dc.Stroke()
}

// info lays out the promise, courier, summary and detail lines and the call to action,
// starting at y, and returns the y below them. When wide, the call to action sits to the
// right of the lines.
func (m *metrics) info(d Data, tn tone, accent color.RGBA, y float64) float64 {
	s, pal, fs := m.s, m.pal, m.fs
	type line struct {
		src   string
		bold  bool
		sizes []float64
		lineH float64
		color color.RGBA
	}
	// One size per line kind: lines shrunk by different amounts look untidy together.
	lines := []line{
		{d.Promise, true, sizes(16), 22, pal.text},
		{d.Courier, false, sizes(14), 20, pal.muted},
		{d.Summary, false, sizes(14), 20, pal.text},
		{d.Detail, false, sizes(14), 20, pal.muted},
	}
	var present []line
	for _, l := range lines {
		if clean(l.src) != "" {
			present = append(present, l)
		}
	}
	cta := clean(d.CallToAction)
	if len(present) == 0 && cta == "" {
		return y
	}
	y += 16 * s

	pillH, padX, chevron := 38*s, 18*s, 16*s
	if m.narrow {
		pillH = 36 * s
	}
	var cf fitted
	var pillW float64
	if cta != "" {
		cf = fs.fit(cta, true, sizes(14, 13), m.w-2*padX-chevron, 1)
		pillW = widest(cf) + 2*padX + chevron
	}
	// Side by side only when wide and the pill leaves the lines room.
	beside := !m.narrow && cta != "" && len(present) > 0 && pillW <= m.w*0.4
	textW := m.w
	if beside {
		textW = m.w - pillW - 20*s
	}

	top := y
	for i, l := range present {
		if i > 0 {
			y += 2 * s
		}
		f := fs.fit(clean(l.src), l.bold, l.sizes, textW, 2)
		y += m.place(l.src, f, l.color, m.x0, y, textW, l.lineH*s, alignLeft)
	}
	if cta == "" {
		return y
	}
	px, py := m.x0, y+16*s
	if len(present) == 0 {
		py = y
	}
	if beside {
		px, py = m.x0+m.w-pillW, top+max((y-top-pillH)/2, 0)
	}
	fill, ink := accent, onColor(accent)
	m.place(d.CallToAction, cf, ink, px+padX, py, widest(cf), pillH, alignLeft)
	chevX := px + padX + widest(cf) + 8*s
	m.p.shapes = append(m.p.shapes, func(dc *gg.Context) {
		dc.DrawRoundedRectangle(px, py, pillW, pillH, pillH/2)
		dc.SetColor(fill)
		dc.Fill()
		c := 3.5 * s
		mid := py + pillH/2
		dc.MoveTo(chevX, mid-c)
		dc.LineTo(chevX+c, mid)
		dc.LineTo(chevX, mid+c)
		dc.SetColor(ink)
		dc.SetLineWidth(2 * s)
		dc.SetLineCap(gg.LineCapRound)
		dc.SetLineJoin(gg.LineJoinRound)
		dc.Stroke()
	})
	return max(y, py+pillH)
}

// layoutFallback lays out the neutral image: a badge and the text.
func layoutFallback(text string, o Options, fs *faceSet) *plan {
	m := newMetrics(o, fs)
	s, pal := m.s, m.pal
	tn := toneColors("muted", pal.muted, pal)
	tn.headline = pal.text
	y := m.margin + m.padY
	diam, gap, hsizes := 48*s, 14*s, sizes(20, 19, 18)
	if m.narrow {
		diam, gap, hsizes = 42*s, 12*s, sizes(18, 17, 16)
	}
	hx, hw := m.x0+diam+gap, m.w-diam-gap
	f := fs.fit(clean(text), true, hsizes, hw, 2)
	lineH := math.Round(f.size * 1.3 * s)
	textH := float64(len(f.lines)) * lineH
	rowH := max(diam, textH)
	m.place(text, f, tn.headline, hx, y+(rowH-textH)/2, hw, lineH, alignLeft)
	bx, by := m.x0+diam/2, y+rowH/2
	m.p.shapes = append(m.p.shapes, func(dc *gg.Context) {
		dc.DrawCircle(bx, by, diam/2)
		dc.SetColor(tn.tint)
		dc.Fill()
		drawIcon(dc, "box", bx, by, diam*0.5, tn.fg, tn.tint)
	})
	return m.finish(y + rowH)
}
