package widget

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
)

var englishSteps = [5]string{"Ordered", "Shipped", "In transit", "Out for delivery", "Delivered"}

// cases are the Data variants every test draws, named for what they exercise.
var cases = []struct {
	name string
	data Data
}{
	{"out_for_delivery", Data{
		ShopName: "Nordic Outdoor Supply", Accent: "#2563EB", OrderLabel: "Order A-1001",
		Headline: "Out for delivery", Icon: "truck", Tone: "normal", Step: 4, StepLabels: englishSteps,
		Promise: "Expected today, Tue 14 Oct", Courier: "Shipped with DHL", CallToAction: "View details",
	}},
	{"pickup_ready", Data{
		ShopName: "Sklep Kwiatowy Różany Ogród", Accent: "#BE185D", OrderLabel: "Zamówienie A-2002",
		Headline: "Przesyłka została dostarczona do punktu odbioru", Icon: "locker", Tone: "normal", Step: 4,
		StepLabels: [5]string{"Zamówione", "Wysłane", "W drodze", "Do odbioru", "Odebrane"},
		Promise:    "Odbierz do pt., 17 paź", Courier: "Wysłano przez InPost", Summary: "2 z 3 paczek dostarczone",
		Detail: "Paczkomat WAW01M, ul. Marszałkowska 1, Warszawa", CallToAction: "Zobacz szczegóły",
	}},
	{"exception", Data{
		ShopName: "Bücherstube", Accent: "#7C3AED", OrderLabel: "Bestellung B-3003",
		Headline: "Zustellversuch fehlgeschlagen", Icon: "alert", Tone: "warning", Step: 4,
		StepLabels: [5]string{"Bestellt", "Versandt", "Unterwegs", "In Zustellung", "Zugestellt"},
		Promise:    "Neuer Versuch am Mi, 15. Okt", Courier: "Versandt mit DPD", CallToAction: "Details ansehen",
	}},
	{"delivered", Data{
		ShopName: "Kavárna U Zlatého Klasu", Accent: "not a colour", OrderLabel: "Objednávka C-4004",
		Headline: "Zásilka byla doručena do výdejního místa", Icon: "check", Tone: "success", Step: 5,
		StepLabels: [5]string{"Objednáno", "Odesláno", "Na cestě", "Doručuje se", "Doručeno"},
		Promise:    "Doručeno v po 13. října", Courier: "Odesláno přes PPL", CallToAction: "Zobrazit podrobnosti",
	}},
	{"cancelled_without_progress", Data{
		ShopName: "Shop", Accent: "#000000", OrderLabel: "Order 7", Headline: "Order cancelled",
		Icon: "cancel", Tone: "muted", CallToAction: "View details",
	}},
	{"headline_only", Data{Headline: "Label created", Icon: "label"}},
	{"pale_accent_unknown_icon", Data{
		ShopName: "Sunshine", Accent: "#FFFF66", OrderLabel: "Order 8", Headline: "In transit",
		Icon: "spaceship", Step: 3, StepLabels: englishSteps, Summary: "1 of 2 parcels delivered",
	}},
	{"everything_too_long", Data{
		ShopName:   "Allgemeine Versandhandelsgesellschaft für Haushaltswaren und Gartenbedarf mbH & Co. KG Zweigniederlassung Süd",
		Accent:     "#0E7490",
		OrderLabel: "Bestellnummer 2024-0000000000000000000000000001",
		Headline:   "Ihre Sendung wurde an die Zollbehörde übergeben und wartet auf die Einfuhrabfertigung durch den Empfängerstaat",
		Icon:       "customs", Tone: "warning", Step: 3,
		StepLabels:   [5]string{"Bestellung eingegangen", "Versandbereit gemacht", "Unterwegs zum Verteilzentrum", "Zustellung durch Kurier", "Erfolgreich zugestellt"},
		Promise:      "Voraussichtliche Zustellung zwischen Donnerstag, 16. Oktober und Dienstag, 21. Oktober, abhängig von der Zollabfertigung",
		Courier:      "Versandt mit Deutsche Post DHL Group Paket International Premium Zustellung",
		Summary:      "2 von 3 Paketen zugestellt, 1 Paket unterwegs, voraussichtlich später als angekündigt",
		Detail:       "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft",
		CallToAction: "Alle Einzelheiten zur Sendungsverfolgung und zu den Zollformalitäten ansehen",
	}},
}

func opts(width, scale int, theme string) Options {
	return Options{Width: width, Scale: scale, Theme: theme}
}

// decode decodes a PNG and fails the test unless it is a truecolour PNG without alpha.
func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	if len(b) < 26 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not a PNG: % x", b[:min(len(b), 16)])
	}
	if colorType := b[25]; colorType != 2 {
		t.Errorf("PNG colour type = %d, want 2 (RGB, no alpha channel)", colorType)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

// assertOpaque fails the test if any pixel's alpha is not 255.
func assertOpaque(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xFFFF {
				t.Fatalf("pixel (%d,%d) alpha = %d, want opaque", x, y, a>>8)
			}
		}
	}
}

func TestRenderIsOpaquePNGOfRequestedWidth(t *testing.T) {
	for _, c := range cases {
		for _, width := range []int{320, 600, 1200} {
			for _, scale := range []int{1, 2} {
				for _, theme := range []string{"light", "dark"} {
					name := fmt.Sprintf("%s/%d/x%d/%s", c.name, width, scale, theme)
					t.Run(name, func(t *testing.T) {
						b, err := Render(c.data, opts(width, scale, theme))
						if err != nil {
							t.Fatalf("Render: %v", err)
						}
						img := decode(t, b)
						if got, want := img.Bounds().Dx(), width*scale; got != want {
							t.Errorf("width = %d, want %d", got, want)
						}
						if h := img.Bounds().Dy(); h < 80*scale || h > 600*scale {
							t.Errorf("height = %d, want a card between %d and %d", h, 80*scale, 600*scale)
						}
						assertOpaque(t, img)
					})
				}
			}
		}
	}
}

func TestRenderHeightFollowsContent(t *testing.T) {
	height := func(d Data) int {
		t.Helper()
		b, err := Render(d, opts(600, 1, "light"))
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		return decode(t, b).Bounds().Dy()
	}
	for _, c := range cases[:4] {
		// About 200 to 320; pickup_ready, with every line filled, runs a little over.
		if h := height(c.data); h < 200 || h > 340 {
			t.Errorf("%s: height at 600 = %d, want 200..340", c.name, h)
		}
	}
	full := cases[0].data
	bare := full
	bare.Step, bare.Promise, bare.Courier = 0, "", ""
	if hf, hb := height(full), height(bare); hb >= hf {
		t.Errorf("height without progress and lines = %d, want less than full %d", hb, hf)
	}
}

func TestRenderScaleDoublesPixelsNotLayout(t *testing.T) {
	one, err := Render(cases[0].data, opts(600, 1, "light"))
	if err != nil {
		t.Fatal(err)
	}
	two, err := Render(cases[0].data, opts(600, 2, "light"))
	if err != nil {
		t.Fatal(err)
	}
	h1, h2 := decode(t, one).Bounds().Dy(), decode(t, two).Bounds().Dy()
	if diff := h2 - 2*h1; diff < -4 || diff > 4 {
		t.Errorf("height at scale 2 = %d, want about twice %d", h2, h1)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"smallest width", opts(320, 1, "light"), ""},
		{"largest width, dark", opts(1200, 2, "dark"), ""},
		{"too narrow", opts(319, 1, "light"), "width must be between 320 and 1200"},
		{"too wide", opts(1201, 1, "light"), "width must be between 320 and 1200"},
		{"zero value", Options{}, "width must be between 320 and 1200"},
		{"scale 3", opts(600, 3, "light"), "scale must be 1 or 2"},
		{"scale 0", opts(600, 0, "light"), "scale must be 1 or 2"},
		{"no theme", opts(600, 1, ""), "theme must be light or dark"},
		{"unknown theme", opts(600, 1, "Light"), "theme must be light or dark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
			if tt.want == "" {
				return
			}
			if _, err := Render(cases[0].data, tt.o); err == nil || err.Error() != tt.want {
				t.Errorf("Render error = %v, want %q", err, tt.want)
			}
			if _, err := Fallback("See your order status", tt.o); err == nil || err.Error() != tt.want {
				t.Errorf("Fallback error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFallback(t *testing.T) {
	for _, o := range []Options{opts(320, 2, "dark"), opts(600, 1, "light"), opts(1200, 2, "light")} {
		t.Run(fmt.Sprintf("%d/x%d/%s", o.Width, o.Scale, o.Theme), func(t *testing.T) {
			var logged []string
			o.TextLog = func(s string) { logged = append(logged, s) }
			b, err := Fallback("See your order status", o)
			if err != nil {
				t.Fatalf("Fallback: %v", err)
			}
			img := decode(t, b)
			if got, want := img.Bounds().Dx(), o.Width*o.Scale; got != want {
				t.Errorf("width = %d, want %d", got, want)
			}
			assertOpaque(t, img)
			if want := []string{"See your order status"}; !slices.Equal(logged, want) {
				t.Errorf("logged %q, want %q", logged, want)
			}
		})
	}
}

// drawnStrings lists the text fields of d that Render draws at the given width.
func drawnStrings(d Data, width int) []string {
	all := []string{d.ShopName, d.OrderLabel, d.Headline, d.Promise, d.Courier, d.Summary, d.Detail, d.CallToAction}
	if d.Step > 0 {
		if width < narrowWidth {
			all = append(all, d.StepLabels[d.Step-1])
		} else {
			all = append(all, d.StepLabels[:]...)
		}
	}
	var out []string
	for _, s := range all {
		if s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func TestTextLogHasEveryDrawnStringAndNothingElse(t *testing.T) {
	for _, c := range cases {
		for _, width := range []int{320, 600} {
			t.Run(fmt.Sprintf("%s/%d", c.name, width), func(t *testing.T) {
				var got []string
				o := opts(width, 1, "light")
				o.TextLog = func(s string) { got = append(got, s) }
				if _, err := Render(c.data, o); err != nil {
					t.Fatalf("Render: %v", err)
				}
				slices.Sort(got)
				if want := drawnStrings(c.data, width); !slices.Equal(got, want) {
					t.Errorf("logged\n%q\nwant\n%q", got, want)
				}
				for _, s := range got {
					if s == c.data.Accent || s == c.data.Icon || s == c.data.Tone {
						t.Errorf("logged %q, which is not text", s)
					}
				}
			})
		}
	}
}

func TestTextLogSkipsBlankFields(t *testing.T) {
	var got []string
	o := opts(600, 1, "light")
	o.TextLog = func(s string) { got = append(got, s) }
	d := Data{Headline: "Delivered", Promise: "  ", Courier: "\n", Step: 2, StepLabels: [5]string{"", "Shipped"}}
	if _, err := Render(d, o); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"Delivered", "Shipped"}; !slices.Equal(got, want) {
		t.Errorf("logged %q, want %q", got, want)
	}
}

func TestMissingGlyphs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rune
	}{
		{"european letters", "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ řčšžýáíéůěň ÆØÅæøå ßäöü ñ ç õ ã", nil},
		{"typography", "Order A-1001 – “Expected” 14 Oct… €12,50", nil},
		{"check mark", "✓", []rune{'✓'}},
		{"each missing rune once, spaces and controls ignored", "ok ✓\t✓\n📦 ok", []rune{'✓', '📦'}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MissingGlyphs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("MissingGlyphs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEncodePNGMatchesPixels(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet(2)
	t.Cleanup(fs.release)
	p := layoutOrder(cases[1].data, opts(600, 2, "dark"), fs)
	img := newImage(p.width, p.height)
	p.draw(img)
	b, err := encodePNG(img)
	if err != nil {
		t.Fatalf("encodePNG: %v", err)
	}
	got, ok := decode(t, b).(*image.RGBA)
	if !ok {
		t.Fatalf("decoded %T, want *image.RGBA", got)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("bounds = %v, want %v", got.Bounds(), img.Bounds())
	}
	if !bytes.Equal(got.Pix, img.Pix) {
		t.Error("decoded pixels differ from the drawn image")
	}
	// Every chunk's CRC is checked by png.Decode; check the IHDR fields it tolerates.
	if w, h := binary.BigEndian.Uint32(b[16:]), binary.BigEndian.Uint32(b[20:]); int(w) != p.width || int(h) != p.height {
		t.Errorf("IHDR size = %dx%d, want %dx%d", w, h, p.width, p.height)
	}
}

func TestRenderConcurrently(t *testing.T) {
	want := make([][]byte, len(cases))
	for i, c := range cases {
		b, err := Render(c.data, opts(480, 2, "light"))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range cases {
				i := (i + g) % len(cases)
				b, err := Render(cases[i].data, opts(480, 2, "light"))
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(b, want[i]) {
					t.Errorf("%s: concurrent render differs from a lone one", cases[i].name)
				}
			}
		})
	}
	wg.Wait()
}

func TestCleanKeepsNoBreakSpaces(t *testing.T) {
	if got, want := clean("  Expected\tTue\n14\u00a0Oct  "), "Expected Tue 14\u00a0Oct"; got != want {
		t.Errorf("clean = %q, want %q", got, want)
	}
	if got := clean(strings.Repeat(" ", 5)); got != "" {
		t.Errorf("clean(spaces) = %q, want empty", got)
	}
}
