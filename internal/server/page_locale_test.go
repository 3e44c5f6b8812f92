package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// TestPageLocale is the locale reproduction on real pages: a British address read
// "BS3 4QE Bristol", countries showed as "GBR"/"DEU", the German page wrote "EUR 49.90" and
// times carried English zone abbreviations.
func TestPageLocale(t *testing.T) {
	d := newDemoEnv(t)
	byNumber := map[string]*status.Order{}
	for _, o := range d.info.Orders {
		byNumber[o.OrderNumber] = o
	}
	page := func(number, lang string) string {
		t.Helper()
		o := byNumber[number]
		if o == nil {
			t.Fatalf("demo has no %s", number)
		}
		_, body, _ := get(t, nil, d.signedPage(o)+"&lang="+lang)
		return body
	}
	addressRE := regexp.MustCompile(`(?s)data-testid="address">(.*?)</(p|dd)>`)
	address := func(t *testing.T, body string) string {
		t.Helper()
		m := addressRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no address on the page")
		}
		lines := regexp.MustCompile(`<br\s*/?>`).Split(m[1], -1)
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		return strings.Join(lines, " / ")
	}
	tests := []struct {
		name, order, lang string
		address           string   // the address lines joined with " / "
		want, notWant     []string // elsewhere on the page
	}{
		{"a British address: city, then postcode, then the country's name", "A-1001", "en",
			"Emma Clarke / 14 Albert Road / Bristol / BS3 4QE / United Kingdom", nil, []string{"GBR"}},
		{"the same address on a German page names the country in German", "A-1001", "de",
			"Emma Clarke / 14 Albert Road / Bristol / BS3 4QE / Vereinigtes Königreich", nil, []string{"GBR"}},
		{"a US address: city, state ZIP", "A-1003", "en",
			"Daniel Reyes / 245 Atlantic Avenue, Apt 3B / Brooklyn, NY 11201 / United States", nil, []string{"USA<"}},
		{"a German order on a German page: CLDR money, no zone abbreviation", "B-2003", "de",
			"Katharina Wagner / Brüsseler Straße 48 / 50674 Köln / Deutschland",
			[]string{"49,90\u00a0€"}, []string{"EUR 49.90", "DEU", " CET", " CEST", " MEZ", " UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := page(tt.order, tt.lang)
			if got := address(t, body); got != tt.address {
				t.Errorf("address = %q, want %q", got, tt.address)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("missing %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
	// A US order whose first events happened in Britain: those carry their UTC offset, the
	// ones in the shopper's own clock (Louisville keeps New York's time) carry none.
	t.Run("events abroad are labelled with their offset, local ones are not", func(t *testing.T) {
		body := page("A-1003", "en")
		times := regexp.MustCompile(`<time class="when"[^>]*>([^<]*)</time>`).FindAllStringSubmatch(body, -1)
		var labelled, plain int
		for _, m := range times {
			switch {
			case regexp.MustCompile(` UTC([+-]\d+)?$`).MatchString(m[1]):
				labelled++
			case regexp.MustCompile(`\d\d:\d\d$`).MatchString(m[1]):
				plain++
			default:
				t.Errorf("event time %q is neither local nor labelled", m[1])
			}
		}
		if labelled == 0 || plain == 0 {
			t.Errorf("labelled %d, plain %d event times, want some of each: %q", labelled, plain, times)
		}
	})
}

// The switcher offers every supported language, each named in itself (CLDR's own names).
func TestLanguageSwitcherListsEveryLanguage(t *testing.T) {
	d := newDemoEnv(t)
	_, body, _ := get(t, nil, d.http.URL+"/?lang=de")
	for _, want := range []string{
		`<option value="de" lang="de" selected>Deutsch</option>`,
		`<option value="el" lang="el">Ελληνικά</option>`,
		`<option value="ga" lang="ga">Gaeilge</option>`,
		`<option value="nb" lang="nb">Norsk bokmål</option>`,
		`<option value="uk" lang="uk">Українська</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("switcher lacks %s", want)
		}
	}
	for _, l := range i18n.Supported {
		if !strings.Contains(body, `<option value="`+l+`" lang="`+l+`"`) {
			t.Errorf("switcher lacks %s", l)
		}
	}
}
