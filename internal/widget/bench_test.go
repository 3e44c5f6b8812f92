package widget

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkRender600x2 renders, without a cache, the image a 600-wide email shows on a
// high-density screen. It also reports the median time of one render.
func BenchmarkRender600x2(b *testing.B) {
	d, o := cases[0].data, opts(600, 2, "light")
	if _, err := Render(d, o); err != nil { // parse fonts and warm the face pool first
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := Render(d, o); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/op")
}
