package widget

import (
	"bytes"
	"flag"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

// Golden images may differ a little when the rasteriser or fonts change: each channel of
// a pixel may be off by maxChannelDiff, and a few pixels (antialiased edges) by more.
const (
	maxChannelDiff  = 8
	minMatchingPart = 0.995
)

func TestGoldenImages(t *testing.T) {
	for _, c := range cases[:4] {
		t.Run(c.name, func(t *testing.T) {
			got, err := Render(c.data, opts(600, 1, "light"))
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			path := filepath.Join("testdata", c.name+".png")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/widget -update to create it)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			if problem := compareImages(decode(t, got), decode(t, want)); problem != "" {
				out := filepath.Join(os.TempDir(), "widget-"+c.name+".got.png")
				_ = os.WriteFile(out, got, 0o644)
				t.Errorf("%s: %s; got image written to %s (run with -update if the change is intended)", path, problem, out)
			}
		})
	}
}

// compareImages returns what is wrong with got, or "" if it is close enough to want.
func compareImages(got, want image.Image) string {
	if got.Bounds() != want.Bounds() {
		return "size " + got.Bounds().Size().String() + ", want " + want.Bounds().Size().String()
	}
	b := got.Bounds()
	total, close := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			total++
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := want.At(x, y).RGBA()
			if diff8(r1, r2) <= maxChannelDiff && diff8(g1, g2) <= maxChannelDiff && diff8(b1, b2) <= maxChannelDiff {
				close++
			}
		}
	}
	if part := float64(close) / float64(total); part < minMatchingPart {
		return "only " + formatPercent(part) + " of pixels match, want " + formatPercent(minMatchingPart)
	}
	return ""
}

func diff8(a, b uint32) uint32 {
	a, b = a>>8, b>>8
	if a > b {
		return a - b
	}
	return b - a
}

func formatPercent(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + "%" }
