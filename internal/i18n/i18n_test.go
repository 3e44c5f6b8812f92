package i18n_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

func placeholders(s string) []string {
	p := placeholderRE.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

func TestCatalogFilesMatchSupported(t *testing.T) {
	entries, err := os.ReadDir("catalogs")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, strings.TrimSuffix(e.Name(), ".json"))
	}
	want := slices.Sorted(slices.Values(i18n.Supported))
	if !slices.Equal(got, want) {
		t.Errorf("catalog files = %v, want %v", got, want)
	}
	// The 24 official EU languages, then Norwegian Bokmål, Turkish, Ukrainian and Russian.
	required := []string{"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
		"nb", "tr", "uk", "ru"}
	for _, l := range required {
		if !slices.Contains(i18n.Supported, l) {
			t.Errorf("%s is not supported", l)
		}
	}
	if len(i18n.Supported) != len(required) {
		t.Errorf("len(Supported) = %d, want %d", len(i18n.Supported), len(required))
	}
	if !slices.Contains(i18n.Supported, i18n.Default) {
		t.Errorf("Default %q is not in Supported", i18n.Default)
	}
}

// encoding/json keeps the last of duplicate keys silently, so a copy-paste slip in a
// catalog would hide a translation; read the files token by token instead.
func TestCatalogsHaveNoDuplicateKeys(t *testing.T) {
	for _, lang := range i18n.Supported {
		t.Run(lang, func(t *testing.T) {
			f, err := os.Open(filepath.Join("catalogs", lang+".json"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			dec := json.NewDecoder(f)
			if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
				t.Fatalf("first token = %v, %v; want {", tok, err)
			}
			seen := map[string]bool{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				key := tok.(string)
				if seen[key] {
					t.Errorf("duplicate key %q", key)
				}
				seen[key] = true
				var value string
				if err := dec.Decode(&value); err != nil {
					t.Fatalf("value of %q: %v", key, err)
				}
			}
		})
	}
}

// TestCatalogsComplete is the completeness check of every catalog against en: the same
// keys (no missing, no extra), the same placeholders, no empty or padded messages, and for
// each counted message (a key with plural forms in en) exactly the plural forms of the
// language's CLDR categories.
func TestCatalogsComplete(t *testing.T) {
	enKeys := i18n.Keys("en")
	if len(enKeys) == 0 {
		t.Fatal("en catalog is empty")
	}
	var plain, counted []string
	for _, key := range enKeys {
		if base, _, ok := strings.Cut(key, i18n.PluralSep); ok {
			if !slices.Contains(counted, base) {
				counted = append(counted, base)
			}
			continue
		}
		plain = append(plain, key)
	}
	if len(counted) == 0 {
		t.Fatal("en has no plural forms")
	}
	for _, lang := range i18n.Supported {
		t.Run(lang, func(t *testing.T) {
			want := map[string]string{} // key -> the en key whose placeholders it must have
			for _, key := range plain {
				want[key] = key
			}
			for _, base := range counted {
				if !slices.Contains(plain, base) {
					t.Errorf("en has plural forms of %q but not its other form", base)
				}
				for _, c := range i18n.PluralCategories(lang) {
					want[base+i18n.PluralSep+c] = base
				}
			}
			for _, key := range slices.Sorted(maps.Keys(want)) {
				if !i18n.Has(lang, key) {
					t.Errorf("missing key %q", key)
					continue
				}
				got := i18n.T(lang, key)
				if strings.TrimSpace(got) == "" {
					t.Errorf("%q is empty", key)
				}
				if got != strings.TrimSpace(got) {
					t.Errorf("%q has leading or trailing space: %q", key, got)
				}
				en := i18n.T("en", want[key])
				if gotP, wantP := placeholders(got), placeholders(en); !slices.Equal(gotP, wantP) {
					t.Errorf("%q placeholders = %v, want %v (en %q, %s %q)", key, gotP, wantP, en, lang, got)
				}
			}
			for _, key := range i18n.Keys(lang) {
				if _, ok := want[key]; !ok {
					t.Errorf("extra key %q (not in en, or a plural form %s does not use)", key, lang)
				}
			}
		})
	}
}

func TestRequiredKeys(t *testing.T) {
	var keys []string
	for _, c := range status.Codes() {
		keys = append(keys, "status."+c)
	}
	for _, a := range status.NextActions() {
		keys = append(keys, "next_action."+a)
	}
	for _, l := range status.Lifecycles {
		keys = append(keys, "lifecycle."+string(l))
	}
	for step := status.StepOrdered; step <= status.StepDelivered; step++ {
		keys = append(keys, "step."+strconv.Itoa(step))
	}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		keys = append(keys, "weekday."+d, "weekday_short."+d)
	}
	keys = append(keys,
		"step.current", "step.done", "step.todo",
		"summary.delivered", "summary.parcels", "summary.one_parcel",
		"promise.expected_on", "promise.expected_between", "promise.expected_today",
		"promise.expected_tomorrow", "promise.delivered_on", "promise.collect_by",
		"widget.fallback", "widget.order", "widget.courier", "widget.view_details",
		"banner.delayed", "banner.exception", "banner.return", "banner.cancelled",
		"page.title", "page.track_heading", "page.order_number_label", "page.email_label",
		"page.postal_code_label", "page.or", "page.search_button", "page.verify_heading",
		"page.verify_intro", "page.verify_button", "page.verify_failed", "page.too_many_attempts",
		"page.not_found", "page.expired_link", "page.bad_request", "page.timeline_heading",
		"page.show_all_events", "page.time_zone_label", "page.courier_label",
		"page.tracking_number_label", "page.courier_tracking_link", "page.courier_reroute_link",
		"page.cod_label", "page.shipping_address", "page.articles", "page.quantity",
		"page.support_heading", "page.support_email", "page.support_phone", "page.language",
		"page.parcel_n", "page.choose_order",
		"pickup.heading", "pickup.open_now", "pickup.opens_at", "pickup.closed_today",
		"pickup.opening_hours", "pickup.closed",
		"feedback.heading", "feedback.up", "feedback.down", "feedback.thanks",
		"live_tracking.link", "order_processed.text", "return.status", "unlock.details",
		"access.public_note",
	)
	for _, key := range keys {
		if !i18n.Has("en", key) {
			t.Errorf("en is missing %q", key)
		}
	}
}

// The status table's English text is the reference for the en catalog, so the API's
// English and the page's English never drift apart.
func TestStatusTextsMatchStatusTable(t *testing.T) {
	for _, code := range status.Codes() {
		c, ok := status.LookupCode(code)
		if !ok {
			t.Fatalf("LookupCode(%q) not found", code)
		}
		if got := i18n.T("en", "status."+code); got != c.Text {
			t.Errorf("en status.%s = %q, want %q", code, got, c.Text)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"region stripped", []string{"de-AT"}, "de"},
		{"underscore and case", []string{"PT_br"}, "pt"},
		{"upper case", []string{"DE"}, "de"},
		{"unsupported", []string{"xx"}, ""},
		{"nothing offered", nil, ""},
		{"empty skipped", []string{"", "fr"}, "fr"},
		{"first supported wins", []string{"ja", "sv-FI", "fi"}, "sv"},
		{"wildcard ignored", []string{"*"}, ""},
		{"surrounding space", []string{" nl-BE "}, "nl"},
		{"malformed skipped", []string{"not a tag!", "it"}, "it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.Match(tt.candidates...); got != tt.want {
				t.Errorf("Match(%q) = %q, want %q", tt.candidates, got, tt.want)
			}
		})
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"ordered by q", "fr-CH, fr;q=0.9, en;q=0.8", "fr"},
		{"reordered by q", "en;q=0.5, de-DE;q=0.9, pl", "pl"},
		{"unsupported first", "ja, ko;q=0.9, it;q=0.5", "it"},
		{"q=0 excluded", "cs;q=0, it", "it"},
		{"spaces", " nl-NL ; q=0.3 , pt-BR ", "pt"},
		{"Norwegian", "no", "nb"},
		{"Norwegian Nynorsk reads Bokmål", "nn-NO", "nb"},
		{"Bosnian reads Croatian", "bs", "hr"},
		{"nothing supported", "ja, zh-CN;q=0.8", ""},
		{"wildcard only", "*", ""},
		{"malformed", "es;q=abc", ""},
		{"empty header", "", ""},
		{"too long", strings.Repeat("de, ", 400), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.FromAcceptLanguage(tt.header); got != tt.want {
				t.Errorf("FromAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestPluralCategory(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "one"}, {"en", 2, "other"}, {"en", 0, "other"},
		{"pl", 1, "one"}, {"pl", 2, "few"}, {"pl", 5, "many"}, {"pl", 12, "many"}, {"pl", 22, "few"}, {"pl", 25, "many"},
		{"cs", 1, "one"}, {"cs", 2, "few"}, {"cs", 5, "other"}, {"cs", 22, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"ru", 1, "one"}, {"ru", 2, "few"}, {"ru", 5, "many"}, {"ru", 11, "many"}, {"ru", 21, "one"}, {"ru", 22, "few"},
		{"uk", 1, "one"}, {"uk", 2, "few"}, {"uk", 5, "many"}, {"uk", 22, "few"},
		{"hr", 1, "one"}, {"hr", 2, "few"}, {"hr", 5, "other"}, {"hr", 22, "few"},
		{"sl", 1, "one"}, {"sl", 2, "two"}, {"sl", 3, "few"}, {"sl", 5, "other"}, {"sl", 102, "two"},
		{"ga", 1, "one"}, {"ga", 2, "two"}, {"ga", 5, "few"}, {"ga", 8, "many"}, {"ga", 22, "other"},
		{"lv", 0, "zero"}, {"lv", 1, "one"}, {"lv", 22, "other"},
	}
	for _, tt := range tests {
		if got := i18n.PluralCategory(tt.lang, tt.n); got != tt.want {
			t.Errorf("PluralCategory(%q, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestN(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Too many attempts. Try again in 1 minute."},
		{"en", 5, "Too many attempts. Try again in 5 minutes."},
		{"xx", 1, "Too many attempts. Try again in 1 minute."},
		{"pl", 1, "Zbyt wiele prób. Spróbuj ponownie za 1 minutę."},
		{"pl", 2, "Zbyt wiele prób. Spróbuj ponownie za 2 minuty."},
		{"pl", 5, "Zbyt wiele prób. Spróbuj ponownie za 5 minut."},
		{"pl", 22, "Zbyt wiele prób. Spróbuj ponownie za 22 minuty."},
		{"ru", 1, "Слишком много попыток. Попробуйте снова через 1 минуту."},
		{"ru", 2, "Слишком много попыток. Попробуйте снова через 2 минуты."},
		{"ru", 5, "Слишком много попыток. Попробуйте снова через 5 минут."},
		{"ru", 21, "Слишком много попыток. Попробуйте снова через 21 минуту."},
		{"ru", 22, "Слишком много попыток. Попробуйте снова через 22 минуты."},
		{"cs", 1, "Příliš mnoho pokusů. Zkuste to znovu za 1 minutu."},
		{"cs", 2, "Příliš mnoho pokusů. Zkuste to znovu za 2 minuty."},
		{"cs", 5, "Příliš mnoho pokusů. Zkuste to znovu za 5 minut."},
		{"cs", 22, "Příliš mnoho pokusů. Zkuste to znovu za 22 minut."},
	}
	for _, tt := range tests {
		n := strconv.Itoa(tt.n)
		if got := i18n.N(tt.lang, "page.too_many_attempts", tt.n, "minutes", n); got != tt.want {
			t.Errorf("N(%q, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	if got := i18n.N("en", "no.such.key", 1); got != "no.such.key" {
		t.Errorf("N(unknown key) = %q", got)
	}
	// A form the language's catalog has wins over Default's.
	for _, lang := range i18n.Supported {
		for _, n := range []int{1, 2, 5, 22} {
			got := i18n.N(lang, "page.too_many_attempts", n, "minutes", strconv.Itoa(n))
			if !strings.Contains(got, strconv.Itoa(n)) {
				t.Errorf("N(%q, %d) = %q, lacks the count", lang, n, got)
			}
			if lang != "en" && got == i18n.N("en", "page.too_many_attempts", n, "minutes", strconv.Itoa(n)) {
				t.Errorf("N(%q, %d) = %q is the English text", lang, n, got)
			}
		}
	}
}

func TestSelfName(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}, {"cs", "Čeština"}, {"de-AT", "Deutsch"}, {"xx", ""},
	}
	for _, tt := range tests {
		if got := i18n.SelfName(tt.lang); got != tt.want {
			t.Errorf("SelfName(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for _, l := range i18n.Supported {
		n := i18n.SelfName(l)
		if n == "" || seen[n] {
			t.Errorf("SelfName(%q) = %q: empty or not unique", l, n)
		}
		seen[n] = true
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		name string
		lang string
		key  string
		vars []string
		want string
	}{
		{"substitutes vars", "en", "summary.delivered", []string{"done", "2", "total", "3"}, "2 of 3 parcels delivered"},
		{"substitutes in translation", "de", "summary.delivered", []string{"done", "2", "total", "3"}, "2 von 3 Paketen zugestellt"},
		{"accepts a region tag", "de-CH", "page.or", nil, "oder"},
		{"unsupported language falls back to en", "xx", "page.or", nil, "or"},
		{"empty language falls back to en", "", "widget.order", []string{"number", "A-1001"}, "Order A-1001"},
		{"unknown key returns the key", "fr", "no.such.key", nil, "no.such.key"},
		{"missing var left as is", "en", "page.parcel_n", []string{"n", "1"}, "Parcel 1 of {total}"},
		{"unpaired trailing name ignored", "en", "page.title", []string{"number"}, "Order {number}"},
		{"value is not expanded again", "en", "page.title", []string{"number", "{number}"}, "Order {number}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.T(tt.lang, tt.key, tt.vars...); got != tt.want {
				t.Errorf("T(%q, %q, %q) = %q, want %q", tt.lang, tt.key, tt.vars, got, tt.want)
			}
		})
	}
}

func TestHasAndKeys(t *testing.T) {
	if !i18n.Has("fi", "page.title") {
		t.Error(`Has("fi", "page.title") = false, want true`)
	}
	if i18n.Has("fi", "no.such.key") {
		t.Error(`Has("fi", "no.such.key") = true, want false`)
	}
	if i18n.Has("xx", "page.title") {
		t.Error(`Has("xx", "page.title") = true, want false (no fallback)`)
	}
	keys := i18n.Keys("cs")
	if !slices.IsSorted(keys) {
		t.Error("Keys(cs) is not sorted")
	}
	if !slices.Contains(keys, "page.title") || !slices.Contains(keys, "page.too_many_attempts|few") {
		t.Errorf("Keys(cs) lacks page.title or a plural form: %d keys", len(keys))
	}
	if got := i18n.Keys("xx"); got != nil {
		t.Errorf("Keys(xx) = %v, want nil", got)
	}
}

func TestFormatDates(t *testing.T) {
	at := time.Date(2025, time.October, 14, 14, 5, 0, 0, time.UTC) // a Tuesday
	tests := []struct {
		lang, short, long, clock, dateTime string
	}{
		{"en", "Tue 14 Oct", "Tuesday 14 October 2025", "14:05", "Tue 14 Oct, 14:05"},
		{"de", "Di., 14. Okt.", "Dienstag, 14. Oktober 2025", "14:05", "Di., 14. Okt., 14:05"},
		{"fr", "mar. 14 oct.", "mardi 14 octobre 2025", "14:05", "mar. 14 oct. à 14:05"},
		{"es", "mar, 14 oct", "martes, 14 de octubre de 2025", "14:05", "mar, 14 oct, 14:05"},
		{"it", "mar 14 ott", "martedì 14 ottobre 2025", "14:05", "mar 14 ott, 14:05"},
		{"nl", "di 14 okt", "dinsdag 14 oktober 2025", "14:05", "di 14 okt om 14:05"},
		{"pl", "wt., 14 paź", "wtorek, 14 października 2025", "14:05", "wt., 14 paź, 14:05"},
		{"sv", "tis 14 okt.", "tisdag 14 oktober 2025", "14:05", "tis 14 okt. kl. 14:05"},
		{"da", "tirs. 14. okt.", "tirsdag den 14. oktober 2025", "14.05", "tirs. 14. okt. kl. 14.05"},
		{"pt", "ter., 14 de out.", "terça-feira, 14 de outubro de 2025", "14:05", "ter., 14 de out. às 14:05"},
		{"cs", "út 14. 10.", "úterý 14. října 2025", "14:05", "út 14. 10. v 14:05"},
		{"fi", "ti 14.10.", "tiistai 14. lokakuuta 2025", "14.05", "ti 14.10. klo 14.05"},
		{"bg", "вт, 14 окт", "вторник, 14 октомври 2025 г.", "14:05", "вт, 14 окт, 14:05"},
		{"el", "Τρί 14 Οκτ", "Τρίτη 14 Οκτωβρίου 2025", "14:05", "Τρί 14 Οκτ, 14:05"},
		{"ru", "вт, 14 окт.", "вторник, 14 октября 2025 г.", "14:05", "вт, 14 окт., 14:05"},
		{"uk", "вт, 14 жовт.", "вівторок, 14 жовтня 2025 р.", "14:05", "вт, 14 жовт., 14:05"},
		{"hu", "okt. 14., K", "2025. október 14., kedd", "14:05", "okt. 14., K 14:05"},
		{"lt", "spalio 14 d., an", "2025 m. spalio 14 d., antradienis", "14:05", "spalio 14 d., an 14:05"},
		{"lv", "otrd., 14. okt.", "otrdiena, 2025. gada 14. oktobris", "14:05", "otrd., 14. okt. 14:05"},
		{"hr", "uto, 14. lis", "utorak, 14. listopada 2025.", "14:05", "uto, 14. lis u 14:05"},
		{"sk", "ut 14. 10.", "utorok 14. októbra 2025", "14:05", "ut 14. 10., 14:05"},
		{"tr", "14 Eki Sal", "14 Ekim 2025 Salı", "14:05", "14 Eki Sal 14:05"},
		{"ga", "Máirt 14 DFómh", "Dé Máirt 14 Deireadh Fómhair 2025", "14:05", "Máirt 14 DFómh, 14:05"},
		{"mt", "Tli, 14 Ott", "It-Tlieta, 14 ta’ Ottubru 2025", "14:05", "Tli, 14 Ott, 14:05"},
		{"nb", "tir. 14. okt.", "tirsdag 14. oktober 2025", "14:05", "tir. 14. okt. kl. 14:05"},
		{"de-AT", "Di., 14. Okt.", "Dienstag, 14. Oktober 2025", "14:05", "Di., 14. Okt., 14:05"},
		{"xx", "Tue 14 Oct", "Tuesday 14 October 2025", "14:05", "Tue 14 Oct, 14:05"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := i18n.FormatDateShort(tt.lang, at); got != tt.short {
				t.Errorf("FormatDateShort = %q, want %q", got, tt.short)
			}
			if got := i18n.FormatDateLong(tt.lang, at); got != tt.long {
				t.Errorf("FormatDateLong = %q, want %q", got, tt.long)
			}
			if got := i18n.FormatTime(tt.lang, at); got != tt.clock {
				t.Errorf("FormatTime = %q, want %q", got, tt.clock)
			}
			if got := i18n.FormatDateTime(tt.lang, at); got != tt.dateTime {
				t.Errorf("FormatDateTime = %q, want %q", got, tt.dateTime)
			}
		})
	}
}

func TestFormatUsesTheTimesOwnLocation(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*60*60)
	at := time.Date(2025, time.October, 14, 23, 30, 0, 0, time.UTC).In(berlin)
	if got, want := i18n.FormatDateTime("en", at), "Wed 15 Oct, 01:30"; got != want {
		t.Errorf("FormatDateTime = %q, want %q", got, want)
	}
}

func TestFormatTimeHourPadding(t *testing.T) {
	at := time.Date(2025, time.January, 3, 9, 7, 0, 0, time.UTC)
	tests := []struct{ lang, want string }{
		{"en", "09:07"},
		{"de", "09:07"},
		{"da", "09.07"},
		{"es", "9:07"},
		{"cs", "9:07"},
		{"fi", "9.07"},
	}
	for _, tt := range tests {
		if got := i18n.FormatTime(tt.lang, at); got != tt.want {
			t.Errorf("FormatTime(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestEveryMonthAndWeekdayHasAName(t *testing.T) {
	for _, lang := range i18n.Supported {
		seenShort := map[string]bool{}
		seenLong := map[string]bool{}
		for m := time.January; m <= time.December; m++ {
			at := time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC)
			short, long := i18n.FormatDateShort(lang, at), i18n.FormatDateLong(lang, at)
			if strings.Contains(short, "{") || strings.Contains(long, "{") {
				t.Errorf("%s %v: unexpanded layout %q / %q", lang, m, short, long)
			}
			if seenLong[long] {
				t.Errorf("%s %v: long date %q repeats", lang, m, long)
			}
			seenShort[short], seenLong[long] = true, true
		}
		if len(seenShort) != 12 {
			t.Errorf("%s: %d distinct short dates for 12 months", lang, len(seenShort))
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			if i18n.WeekdayName(lang, d, false) == "" || i18n.WeekdayName(lang, d, true) == "" {
				t.Errorf("%s %v: empty weekday name", lang, d)
			}
		}
	}
}

func TestWeekdayName(t *testing.T) {
	tests := []struct {
		lang  string
		day   time.Weekday
		short bool
		want  string
	}{
		{"en", time.Tuesday, false, "Tuesday"},
		{"en", time.Sunday, true, "Sun"},
		{"de", time.Monday, true, "Mo"},
		{"fr", time.Wednesday, false, "Mercredi"},
		{"pl", time.Sunday, false, "Niedziela"},
		{"cs", time.Thursday, true, "Čt"},
		{"xx", time.Friday, false, "Friday"},
		{"en", time.Weekday(9), false, ""},
	}
	for _, tt := range tests {
		if got := i18n.WeekdayName(tt.lang, tt.day, tt.short); got != tt.want {
			t.Errorf("WeekdayName(%q, %d, %v) = %q, want %q", tt.lang, tt.day, tt.short, got, tt.want)
		}
	}
}
