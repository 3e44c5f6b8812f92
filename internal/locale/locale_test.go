package locale_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/locale"
	"github.com/orderstatus/orderstatus/internal/status"
)

func TestAddressLinesPerCountry(t *testing.T) {
	tests := []struct {
		name string
		lang string
		addr status.Address
		want []string
	}{
		{"GB: city, then the postcode in capitals", "en",
			status.Address{FirstName: "Oliver", LastName: "Hughes", AddressLine: "14 Upper Street", PostalCode: "n1 0nb", City: "London", CountryISO3: "GBR"},
			[]string{"Oliver Hughes", "14 Upper Street", "London", "N1 0NB", "United Kingdom"}},
		{"US: city, state ZIP", "en",
			status.Address{FirstName: "Ava", LastName: "Miller", AddressLine: "742 Evergreen Terrace", AddressLineExtra: "Apt 3", PostalCode: "62704", City: "Springfield", RegionCode: "IL", CountryISO3: "USA"},
			[]string{"Ava Miller", "742 Evergreen Terrace", "Apt 3", "Springfield, IL 62704", "United States"}},
		{"US without a state keeps no comma", "en",
			status.Address{AddressLine: "1 Main St", PostalCode: "10001", City: "New York", CountryISO3: "USA"},
			[]string{"1 Main St", "New York 10001", "United States"}},
		{"DE: postcode city, country in German", "de",
			status.Address{FirstName: "Katharina", LastName: "Wagner", AddressLine: "Brüsseler Straße 48", PostalCode: "50674", City: "Köln", CountryISO3: "DEU"},
			[]string{"Katharina Wagner", "Brüsseler Straße 48", "50674 Köln", "Deutschland"}},
		{"FR: company before the name", "fr",
			status.Address{FirstName: "Camille", LastName: "Martin", CompanyName: "Atelier Lumière", AddressLine: "8 rue de la Paix", PostalCode: "75002", City: "Paris", CountryISO3: "FRA"},
			[]string{"Atelier Lumière", "Camille Martin", "8 rue de la Paix", "75002 Paris", "France"}},
		{"NL: postcode in capitals", "nl",
			status.Address{FirstName: "Sanne", LastName: "de Vries", AddressLine: "Prinsengracht 263", PostalCode: "1016 gv", City: "Amsterdam", CountryISO3: "NLD"},
			[]string{"Sanne de Vries", "Prinsengracht 263", "1016 GV Amsterdam", "Nederland"}},
		{"IT: postcode city province", "it",
			status.Address{FirstName: "Giulia", LastName: "Rossi", AddressLine: "Via del Corso 12", PostalCode: "00186", City: "Roma", RegionCode: "RM", CountryISO3: "ITA"},
			[]string{"Giulia Rossi", "Via del Corso 12", "00186 Roma RM", "Italia"}},
		{"ES: postcode city province", "es",
			status.Address{FirstName: "Lucía", LastName: "García", AddressLine: "Calle Mayor 5", PostalCode: "28013", City: "Madrid", RegionCode: "M", CountryISO3: "ESP"},
			[]string{"Lucía García", "Calle Mayor 5", "28013 Madrid M", "España"}},
		{"PL: postcode city", "pl",
			status.Address{FirstName: "Anna", LastName: "Nowak", AddressLine: "ul. Marszałkowska 10", PostalCode: "00-590", City: "Warszawa", CountryISO3: "POL"},
			[]string{"Anna Nowak", "ul. Marszałkowska 10", "00-590 Warszawa", "Polska"}},
		{"SE: postcode city", "sv",
			status.Address{FirstName: "Erik", LastName: "Lindqvist", AddressLine: "Drottninggatan 5", PostalCode: "111 51", City: "Stockholm", CountryISO3: "SWE"},
			[]string{"Erik Lindqvist", "Drottninggatan 5", "111 51 Stockholm", "Sverige"}},
		{"CH: postcode city, country in French", "fr",
			status.Address{FirstName: "Luca", LastName: "Meier", AddressLine: "Bahnhofstrasse 1", PostalCode: "8001", City: "Zürich", CountryISO3: "CHE"},
			[]string{"Luca Meier", "Bahnhofstrasse 1", "8001 Zürich", "Suisse"}},
		{"AT: postcode city", "de",
			status.Address{FirstName: "Lena", LastName: "Gruber", AddressLine: "Mariahilfer Straße 20", PostalCode: "1070", City: "Wien", CountryISO3: "AUT"},
			[]string{"Lena Gruber", "Mariahilfer Straße 20", "1070 Wien", "Österreich"}},
		{"GB address on a German page names the country in German", "de",
			status.Address{AddressLine: "14 Upper Street", PostalCode: "N1 0NB", City: "London", CountryISO3: "GBR"},
			[]string{"14 Upper Street", "London", "N1 0NB", "Vereinigtes Königreich"}},
		{"unknown country code kept as sent", "en",
			status.Address{AddressLine: "Somewhere 1", PostalCode: "123", City: "Town", CountryISO3: "XYZ"},
			[]string{"Somewhere 1", "123 Town", "XYZ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := locale.AddressLines(tt.lang, &tt.addr)
			if !slices.Equal(got, tt.want) {
				t.Errorf("AddressLines(%q) =\n %q\nwant\n %q", tt.lang, got, tt.want)
			}
		})
	}
	if got := locale.AddressLines("en", nil); got != nil {
		t.Errorf("AddressLines(nil) = %q, want nil", got)
	}
}

func TestCountryName(t *testing.T) {
	tests := []struct{ lang, code, want string }{
		{"de", "GBR", "Vereinigtes Königreich"},
		{"de", "DEU", "Deutschland"},
		{"en", "DEU", "Germany"},
		{"fr", "gb", "Royaume-Uni"},
		{"pl", "DEU", "Niemcy"},
		{"el", "GRC", "Ελλάδα"},
		{"ru", "UKR", "Украина"},
		{"xx", "SWE", "Sweden"},
		{"de", "ZZZ", "ZZZ"},
	}
	for _, tt := range tests {
		if got := locale.CountryName(tt.lang, tt.code); got != tt.want {
			t.Errorf("CountryName(%q, %q) = %q, want %q", tt.lang, tt.code, got, tt.want)
		}
	}
}

func TestMoney(t *testing.T) {
	const nb = "\u00a0"
	tests := []struct{ lang, code, amount, want string }{
		{"de", "EUR", "49.90", "49,90" + nb + "€"},
		{"en", "EUR", "49.90", "€49.90"},
		{"en", "GBP", "1249.5", "£1,249.50"},
		{"fr", "EUR", "1249.5", "1" + nb + "249,50" + nb + "€"},
		{"nl", "EUR", "49.9", "€" + nb + "49,90"},
		{"it", "EUR", "49.90", "49,90" + nb + "€"},
		{"es", "EUR", "49.90", "49,90" + nb + "€"},
		{"pl", "PLN", "199", "199,00" + nb + "zł"},
		{"sv", "SEK", "349", "349,00" + nb + "kr"},
		{"de", "CHF", "12.5", "12,50" + nb + "CHF"},
		{"en", "JPY", "1500", "¥1,500"},
		{"de", "EUR", "-5.00", "-5,00" + nb + "€"},
		{"en", "EUR", "-5", "-€5.00"},
		{"xx", "USD", "10", "$10.00"},
		{"de", "XXY", "10.00", "XXY 10.00"},
		{"de", "EUR", "ten", "EUR ten"},
	}
	for _, tt := range tests {
		if got := locale.Money(tt.lang, tt.code, tt.amount); got != tt.want {
			t.Errorf("Money(%q, %q, %q) = %q, want %q", tt.lang, tt.code, tt.amount, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 12345, "12,345"},
		{"de", 12345, "12.345"},
		{"fr", 12345, "12\u00a0345"},
		{"de", 7, "7"},
	}
	for _, tt := range tests {
		if got := locale.Number(tt.lang, tt.n); got != tt.want {
			t.Errorf("Number(%q, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestEventTime(t *testing.T) {
	load := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	berlin, paris, ny, kolkata := load("Europe/Berlin"), load("Europe/Paris"), load("America/New_York"), load("Asia/Kolkata")
	at := time.Date(2025, time.October, 14, 12, 5, 0, 0, time.UTC) // 14:05 in Berlin (CEST)
	tests := []struct {
		name        string
		lang        string
		event, home *time.Location
		want        string
	}{
		{"the shopper's zone has no label", "de", berlin, berlin, "Di., 14. Okt., 14:05"},
		{"another zone with the same time has no label", "de", paris, berlin, "Di., 14. Okt., 14:05"},
		{"a zone elsewhere is labelled with its offset", "de", ny, berlin, "Di., 14. Okt., 08:05 UTC-4"},
		{"half-hour offsets", "en", kolkata, berlin, "Tue 14 Oct, 17:35 UTC+5:30"},
		{"UTC", "en", time.UTC, berlin, "Tue 14 Oct, 12:05 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := locale.EventTime(tt.lang, at, tt.event, tt.home); got != tt.want {
				t.Errorf("EventTime = %q, want %q", got, tt.want)
			}
		})
	}
	// Winter: Berlin is UTC+1 and the label of a Berlin event seen from London says so.
	winter := time.Date(2026, time.January, 14, 9, 0, 0, 0, time.UTC)
	if got, want := locale.EventTime("en", winter, berlin, load("Europe/London")), "Wed 14 Jan, 10:00 UTC+1"; got != want {
		t.Errorf("EventTime(winter) = %q, want %q", got, want)
	}
}

// Every supported language writes a euro amount with CLDR's digits and symbol, the symbol
// after the amount where CLDR puts it there. The digits and symbols are x/text's CLDR data
// as it is: it groups four-digit amounts in Spanish, Polish and Portuguese (CLDR's minimum
// grouping digits are not implemented) and its Croatian, Hungarian, Romanian and Ukrainian
// symbol for the euro is "EUR".
func TestMoneyEveryLanguage(t *testing.T) {
	const nb = "\u00a0"
	want := map[string]string{
		"en": "€1,234.50", "bg": "1 234,50 €", "cs": "1 234,50 €", "da": "1.234,50 €", "de": "1.234,50 €",
		"el": "1.234,50 €", "es": "1.234,50 €", "et": "1 234,50 €", "fi": "1 234,50 €", "fr": "1 234,50 €",
		"ga": "€1,234.50", "hr": "1.234,50 EUR", "hu": "1 234,50 EUR", "it": "1.234,50 €", "lt": "1 234,50 €",
		"lv": "1 234,50 €", "mt": "€1,234.50", "nb": "1 234,50 €", "nl": "€ 1.234,50", "pl": "1 234,50 €",
		"pt": "1.234,50 €", "ro": "1.234,50 EUR", "ru": "1 234,50 €", "sk": "1 234,50 €", "sl": "1.234,50 €",
		"sv": "1 234,50 €", "tr": "€1.234,50", "uk": "1 234,50 EUR",
	}
	for _, lang := range i18n.Supported {
		w, ok := want[lang]
		if !ok {
			t.Errorf("no expectation for %s", lang)
			continue
		}
		got := strings.NewReplacer(nb, " ", "\u202f", " ").Replace(locale.Money(lang, "EUR", "1234.5"))
		if got != w {
			t.Errorf("Money(%q, EUR, 1234.5) = %q, want %q", lang, got, w)
		}
	}
}
