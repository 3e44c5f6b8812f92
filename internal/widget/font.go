package widget

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/math/fixed"
)

// ellipsis ends text cut to fit its box. The Go fonts have the glyph.
const ellipsis = "…"

// fonts holds the two parsed typefaces; they are parsed once and only read afterwards,
// so they are shared by concurrent renders.
var fonts struct {
	once          sync.Once
	regular, bold *truetype.Font
	err           error
}

func loadFonts() error {
	fonts.once.Do(func() {
		var err error
		if fonts.regular, err = truetype.Parse(goregular.TTF); err != nil {
			fonts.err = fmt.Errorf("widget: parse Go Regular: %w", err)
			return
		}
		if fonts.bold, err = truetype.Parse(gobold.TTF); err != nil {
			fonts.err = fmt.Errorf("widget: parse Go Bold: %w", err)
		}
	})
	return fonts.err
}

// MissingGlyphs returns the runes of s, each once and in order of appearance, that the
// widget's fonts (Go Regular and Go Bold) cannot draw. Spaces and control characters are
// ignored. Callers use it to check that every catalog string renders without boxes.
func MissingGlyphs(s string) []rune {
	err := loadFonts()
	var missing []rune
	seen := make(map[rune]bool)
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || seen[r] {
			continue
		}
		seen[r] = true
		if err != nil || fonts.regular.Index(r) == 0 || fonts.bold.Index(r) == 0 {
			missing = append(missing, r)
		}
	}
	return missing
}

// faceKey names a face: weight and pixel size in quarter pixels.
type faceKey struct {
	bold bool
	size int
}

// maxIdleFaces bounds the idle faces kept per key. A face holds a glyph cache of up to
// a megabyte (48 px bold), and a render uses about nine faces.
const maxIdleFaces = 4

// facePool keeps idle faces for reuse. A truetype face caches rasterised glyphs and is
// not safe for concurrent use, so each render borrows its own faces and returns them.
var facePool = struct {
	mu   sync.Mutex
	idle map[faceKey][]font.Face
}{idle: make(map[faceKey][]font.Face)}

func acquireFace(k faceKey) font.Face {
	facePool.mu.Lock()
	if list := facePool.idle[k]; len(list) > 0 {
		f := list[len(list)-1]
		facePool.idle[k] = list[:len(list)-1]
		facePool.mu.Unlock()
		return f
	}
	facePool.mu.Unlock()
	ttf := fonts.regular
	if k.bold {
		ttf = fonts.bold
	}
	return &measuredFace{
		Face: truetype.NewFace(ttf, &truetype.Options{
			Size:              float64(k.size) / 4,
			DPI:               72,
			Hinting:           font.HintingFull,
			GlyphCacheEntries: 128, // a render draws some 40 distinct glyphs per face
		}),
		advance: make(map[rune]fixed.Int26_6),
	}
}

// measuredFace remembers glyph advances. The truetype face loads and hints the glyph
// outline on every GlyphAdvance call, and fitting text measures the same runes many times.
type measuredFace struct {
	font.Face
	advance map[rune]fixed.Int26_6
}

func (f *measuredFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	if a, ok := f.advance[r]; ok {
		return a, true
	}
	a, ok := f.Face.GlyphAdvance(r)
	if ok {
		f.advance[r] = a
	}
	return a, ok
}

func releaseFace(k faceKey, f font.Face) {
	facePool.mu.Lock()
	defer facePool.mu.Unlock()
	if len(facePool.idle[k]) < maxIdleFaces {
		facePool.idle[k] = append(facePool.idle[k], f)
	}
}

// faceSet is the faces one render uses, at one scale. Sizes are given in CSS pixels.
type faceSet struct {
	scale float64
	used  map[faceKey]font.Face
}

func newFaceSet(scale int) *faceSet {
	return &faceSet{scale: float64(scale), used: make(map[faceKey]font.Face)}
}

func (fs *faceSet) face(bold bool, cssSize float64) font.Face {
	k := faceKey{bold: bold, size: int(math.Round(cssSize * fs.scale * 4))}
	if f, ok := fs.used[k]; ok {
		return f
	}
	f := acquireFace(k)
	fs.used[k] = f
	return f
}

func (fs *faceSet) release() {
	for k, f := range fs.used {
		releaseFace(k, f)
	}
	clear(fs.used)
}

// fitted is text broken into lines that fit a box, with the face to draw them in.
type fitted struct {
	lines []string
	face  font.Face
	size  float64 // CSS pixels
}

// fit breaks s into at most maxLines lines no wider than maxW device pixels. It prefers
// fewer lines over a larger size: each line count from 1 to maxLines is tried with every
// size from largest to smallest, and if nothing fits, s is wrapped at the smallest size and
// the last line ends in an ellipsis.
func (fs *faceSet) fit(s string, bold bool, sizes []float64, maxW float64, maxLines int) fitted {
	if s == "" || maxW <= 0 {
		return fitted{}
	}
	limit := fixed.Int26_6(maxW * 64)
	for n := 1; n <= maxLines; n++ {
		for _, size := range sizes {
			f := fs.face(bold, size)
			if lines := wrap(f, s, limit); len(lines) <= n {
				return fitted{lines: lines, face: f, size: size}
			}
		}
	}
	size := sizes[len(sizes)-1]
	f := fs.face(bold, size)
	lines := wrap(f, s, limit)
	last := strings.Join(lines[maxLines-1:], " ")
	lines = append(lines[:maxLines-1:maxLines-1], ellipsize(f, last+ellipsis, limit))
	return fitted{lines: lines, face: f, size: size}
}

// wrap breaks s at spaces into lines no wider than limit; a word wider than limit on its
// own is broken between characters.
func wrap(f font.Face, s string, limit fixed.Int26_6) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Split(s, " ") {
		if word == "" {
			continue
		}
		if cur != "" {
			if font.MeasureString(f, cur+" "+word) <= limit {
				cur += " " + word
				continue
			}
			lines = append(lines, cur)
			cur = ""
		}
		for font.MeasureString(f, word) > limit {
			n := fitPrefix(f, word, limit)
			lines = append(lines, word[:n])
			word = word[n:]
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// fitPrefix returns the byte length of the longest prefix of s, at least one rune, that is
// no wider than limit.
func fitPrefix(f font.Face, s string, limit fixed.Int26_6) int {
	ends := runeEnds(s)
	k := sort.Search(len(ends), func(k int) bool { return font.MeasureString(f, s[:ends[k]]) > limit })
	return ends[max(k-1, 0)]
}

// runeEnds returns the byte offset after each rune of s.
func runeEnds(s string) []int {
	ends := make([]int, 0, len(s))
	for i := range s {
		if i > 0 {
			ends = append(ends, i)
		}
	}
	return append(ends, len(s))
}

// ellipsize returns s if it fits limit, else the longest prefix of s that fits with an
// ellipsis appended. s may already end in the ellipsis, which is then kept.
func ellipsize(f font.Face, s string, limit fixed.Int26_6) string {
	if font.MeasureString(f, s) <= limit {
		return s
	}
	s = strings.TrimSuffix(s, ellipsis)
	cut := func(n int) string { return strings.TrimRight(s[:n], " ,.;:-–—") + ellipsis }
	ends := runeEnds(s)
	k := sort.Search(len(ends), func(k int) bool { return font.MeasureString(f, cut(ends[k])) > limit })
	// Trimming makes the width not quite monotonic in the prefix length, so check the
	// candidate and step back if needed.
	for k--; k >= 0; k-- {
		if t := cut(ends[k]); font.MeasureString(f, t) <= limit {
			return t
		}
	}
	if font.MeasureString(f, ellipsis) <= limit {
		return ellipsis
	}
	return ""
}

// clean turns control characters into spaces, collapses runs of ASCII spaces and trims.
// Other spaces (no-break spaces) are kept so they keep holding words together.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}
