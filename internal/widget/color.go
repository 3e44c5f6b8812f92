package widget

import (
	"image/color"

	"github.com/orderstatus/orderstatus/internal/status"
)

// defaultAccent is the dark teal used when a shop has no valid accent colour.
var defaultAccent = rgb(0x0F766E)

// palette is the colours of one theme.
type palette struct {
	page   color.RGBA // around the card
	card   color.RGBA
	border color.RGBA
	text   color.RGBA
	muted  color.RGBA // secondary text
	track  color.RGBA // progress track and future steps
	dark   bool
}

func themePalette(theme string) palette {
	if theme == "dark" {
		return palette{
			page:   rgb(0x111827),
			card:   rgb(0x1F2937),
			border: rgb(0x374151),
			text:   rgb(0xF9FAFB),
			muted:  rgb(0xC4CAD4),
			track:  rgb(0x4B5563),
			dark:   true,
		}
	}
	return palette{
		page:   rgb(0xF3F4F6),
		card:   rgb(0xFFFFFF),
		border: rgb(0xE5E7EB),
		text:   rgb(0x111827),
		muted:  rgb(0x4B5563),
		track:  rgb(0xD1D5DB),
	}
}

// tone is the colours that carry the state of the shipment.
type tone struct {
	fg       color.RGBA // icon, current step
	tint     color.RGBA // badge background, ring around the current step
	done     color.RGBA // completed steps
	headline color.RGBA
}

func toneColors(name string, accent color.RGBA, p palette) tone {
	pick := func(light, dark uint32) color.RGBA {
		if p.dark {
			return rgb(dark)
		}
		return rgb(light)
	}
	var t tone
	switch name {
	case "warning":
		t = tone{fg: pick(0xB45309, 0xFBBF24), done: accent, headline: pick(0xB45309, 0xFCD34D)}
	case "success":
		t = tone{fg: pick(0x15803D, 0x4ADE80), headline: pick(0x166534, 0x86EFAC)}
		t.done = t.fg
	case "muted":
		t = tone{fg: pick(0x6B7280, 0x9CA3AF), headline: p.muted}
		t.done = t.fg
	default:
		t = tone{fg: accent, done: accent, headline: p.text}
	}
	amount := 0.14
	if p.dark {
		amount = 0.24
	}
	t.tint = status.Mix(p.card, t.fg, amount)
	if !p.dark {
		// Mixing amber or green with white gives muddy pinks and greys; these are the
		// matching pale tints.
		switch name {
		case "warning":
			t.tint = rgb(0xFEF3C7)
		case "success":
			t.tint = rgb(0xDCFCE7)
		}
	}
	return t
}

// parseAccent reads "#RRGGBB"; anything else gives the default accent.
func parseAccent(s string) color.RGBA {
	if len(s) != 7 || s[0] != '#' {
		return defaultAccent
	}
	var v uint32
	for _, c := range s[1:] {
		var d uint32
		switch {
		case c >= '0' && c <= '9':
			d = uint32(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint32(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint32(c-'A') + 10
		default:
			return defaultAccent
		}
		v = v<<4 | d
	}
	return rgb(v)
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}

// readable moves c towards black or white, whichever is away from bg, until it has at
// least the given contrast with bg. Shops pick accents for their own pages; a pale accent
// on the light theme or a dark one on the dark theme would otherwise be unreadable.
func readable(c, bg color.RGBA, min float64) color.RGBA {
	if status.Contrast(c, bg) >= min {
		return c
	}
	target := rgb(0x000000)
	if status.Luminance(bg) < 0.5 {
		target = rgb(0xFFFFFF)
	}
	for t := 0.1; t < 1; t += 0.1 {
		if m := status.Mix(c, target, t); status.Contrast(m, bg) >= min {
			return m
		}
	}
	return target
}

// onColor is white when it is readable on bg, else whichever of white and near-black reads
// better.
func onColor(bg color.RGBA) color.RGBA {
	white, ink := rgb(0xFFFFFF), rgb(0x111827)
	if status.Contrast(white, bg) >= 4.5 || status.Contrast(white, bg) >= status.Contrast(ink, bg) {
		return white
	}
	return ink
}
