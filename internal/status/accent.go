package status

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Theme backgrounds the shopper page draws an account's accent colour on. The light page
// puts white text on the accent and accent links on white; the dark page uses DarkAccent.
const (
	LightBackground = "#ffffff"
	DarkBackground  = "#121416"
)

// MinAccentContrast is WCAG AA for normal text (1.4.3).
const MinAccentContrast = 4.5

// ParseHexColor reads "#rrggbb" (or "rrggbb", or "#rgb") into its channels.
func ParseHexColor(s string) (r, g, b uint8, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return uint8(v >> 16), uint8(v >> 8), uint8(v), true
}

func hexColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func parseRGBA(s string) (color.RGBA, bool) {
	r, g, b, ok := ParseHexColor(s)
	return color.RGBA{R: r, G: g, B: b, A: 0xFF}, ok
}

// Luminance is WCAG 2's relative luminance of an sRGB colour (the widget's palette uses it too).
func Luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG contrast ratio of two colours (1 to 21).
func Contrast(a, b color.RGBA) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Mix returns the colour t of the way from a to b.
func Mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{R: f(a.R, b.R), G: f(a.G, b.G), B: f(a.B, b.B), A: 0xFF}
}

// ContrastRatio is the WCAG contrast ratio of two "#rrggbb" colours (1 to 21); 0 when
// either does not parse.
func ContrastRatio(a, b string) float64 {
	ca, ok1 := parseRGBA(a)
	cb, ok2 := parseRGBA(b)
	if !ok1 || !ok2 {
		return 0
	}
	return Contrast(ca, cb)
}

// CheckAccent returns the normalised "#rrggbb" form of an accent colour, or an error saying
// what is wrong: not a colour, or too light to carry white text and to be read on white
// (WCAG AA, 4.5:1). The dark theme never shows the accent as given but DarkAccent of it,
// which always reaches the same contrast on DarkBackground.
func CheckAccent(s string) (string, error) {
	rgba, ok := parseRGBA(s)
	if !ok {
		return "", fmt.Errorf("accent colour %q: want a hex colour such as #0b6e4f", s)
	}
	c := hexColor(rgba)
	if ratio := ContrastRatio(c, LightBackground); ratio < MinAccentContrast {
		return "", fmt.Errorf("accent colour %s has a contrast of %.2f:1 with white; WCAG AA needs at least %.1f:1 (choose a darker shade)", c, ratio, MinAccentContrast)
	}
	return c, nil
}

// DarkAccent is the accent as the dark theme shows it: the colour mixed with white in the
// smallest step that reaches MinAccentContrast against DarkBackground (text and links on the
// dark page). A colour that already reaches it is returned unchanged.
func DarkAccent(s string) string {
	c, ok := parseRGBA(s)
	if !ok {
		return ""
	}
	white := color.RGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	for step := 0; step <= 20; step++ {
		m := hexColor(Mix(c, white, float64(step)/20))
		if ContrastRatio(m, DarkBackground) >= MinAccentContrast {
			return m
		}
	}
	return "#ffffff"
}
