package status

import (
	"fmt"
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

func hexColor(r, g, b uint8) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }

// relativeLuminance is WCAG 2's relative luminance of an sRGB colour.
func relativeLuminance(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// ContrastRatio is the WCAG contrast ratio of two "#rrggbb" colours (1 to 21); 0 when
// either does not parse.
func ContrastRatio(a, b string) float64 {
	ar, ag, ab, ok1 := ParseHexColor(a)
	br, bg, bb, ok2 := ParseHexColor(b)
	if !ok1 || !ok2 {
		return 0
	}
	la, lb := relativeLuminance(ar, ag, ab), relativeLuminance(br, bg, bb)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// CheckAccent returns the normalised "#rrggbb" form of an accent colour, or an error saying
// what is wrong: not a colour, or too light to carry white text and to be read on white
// (WCAG AA, 4.5:1). The dark theme never shows the accent as given but DarkAccent of it,
// which always reaches the same contrast on DarkBackground.
func CheckAccent(s string) (string, error) {
	r, g, b, ok := ParseHexColor(s)
	if !ok {
		return "", fmt.Errorf("accent colour %q: want a hex colour such as #0b6e4f", s)
	}
	c := hexColor(r, g, b)
	if ratio := ContrastRatio(c, LightBackground); ratio < MinAccentContrast {
		return "", fmt.Errorf("accent colour %s has a contrast of %.2f:1 with white; WCAG AA needs at least %.1f:1 (choose a darker shade)", c, ratio, MinAccentContrast)
	}
	return c, nil
}

// DarkAccent is the accent as the dark theme shows it: the colour mixed with white in the
// smallest step that reaches MinAccentContrast against DarkBackground (text and links on the
// dark page). A colour that already reaches it is returned unchanged.
func DarkAccent(s string) string {
	r, g, b, ok := ParseHexColor(s)
	if !ok {
		return ""
	}
	mix := func(c uint8, t float64) uint8 { return uint8(math.Round(float64(c) + (255-float64(c))*t)) }
	for step := 0; step <= 20; step++ {
		t := float64(step) / 20
		c := hexColor(mix(r, t), mix(g, t), mix(b, t))
		if ContrastRatio(c, DarkBackground) >= MinAccentContrast {
			return c
		}
	}
	return "#ffffff"
}
