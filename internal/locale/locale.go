// Package locale writes what a shopper page shows in the reader's conventions, from CLDR
// data where golang.org/x/text has it: country names, postal addresses in the destination
// country's order, currency amounts and numbers, and event times with a zone label only
// when the zone is not the shopper's. Languages are the internal/i18n codes; an
// unsupported one is written as i18n.Default.
package locale

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/orderstatus/orderstatus/internal/i18n"
)

// Region returns the region of an ISO 3166 country code, alpha-3 ("GBR") or alpha-2
// ("GB"), case ignored. ok is false for a code that names no country.
func Region(code string) (language.Region, bool) {
	r, err := language.ParseRegion(strings.TrimSpace(code))
	if err != nil || !r.IsCountry() {
		return language.Region{}, false
	}
	return r, true
}

// CountryName returns the country's name in lang, as CLDR writes it: "Vereinigtes
// Königreich" for ("de", "GBR"), "Royaume-Uni" for ("fr", "GB"). A code that names no
// country is returned as it was given, so nothing the shop sent is lost.
func CountryName(lang, code string) string {
	r, ok := Region(code)
	if !ok {
		return code
	}
	if n := display.Regions(i18n.Tag(lang)); n != nil {
		if name := n.Name(r); name != "" {
			return name
		}
	}
	return code
}
