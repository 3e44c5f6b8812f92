package status

import (
	"strings"
	"testing"
)

func TestContrastRatio(t *testing.T) {
	if r := ContrastRatio("#000000", "#ffffff"); r < 20.99 || r > 21.01 {
		t.Fatalf("black on white = %.3f, want 21", r)
	}
	if r := ContrastRatio("#777777", "#ffffff"); r < 4.47 || r > 4.49 {
		t.Fatalf("#777 on white = %.3f, want 4.48", r)
	}
	if ContrastRatio("nope", "#fff") != 0 {
		t.Fatal("an unparsable colour must give 0")
	}
}

func TestCheckAccent(t *testing.T) {
	for _, ok := range []string{"#0b6e4f", "0B6E4F", "#123", "#000000", "#767676"} {
		if _, err := CheckAccent(ok); err != nil {
			t.Errorf("CheckAccent(%q): %v", ok, err)
		}
	}
	if c, _ := CheckAccent("0B6E4F"); c != "#0b6e4f" {
		t.Errorf("normalised form = %q", c)
	}
	for _, bad := range []string{"#777777", "#ffcc00", "#ffffff", "teal", "#12345", ""} {
		_, err := CheckAccent(bad)
		if err == nil {
			t.Errorf("CheckAccent(%q) accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "accent colour") {
			t.Errorf("CheckAccent(%q) error does not say what is wrong: %v", bad, err)
		}
	}
}

func TestDarkAccentReachesAA(t *testing.T) {
	for _, c := range []string{"#0b6e4f", "#000000", "#1d4ed8", "#7c2d12", "#767676", "#4c1d95"} {
		d := DarkAccent(c)
		if r := ContrastRatio(d, DarkBackground); r < MinAccentContrast {
			t.Errorf("DarkAccent(%s) = %s: %.2f:1 on the dark background", c, d, r)
		}
	}
	if d := DarkAccent("#ffffff"); d != "#ffffff" {
		t.Errorf("a colour that already passes is kept, got %s", d)
	}
}
