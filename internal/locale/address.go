package locale

import (
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// AddressLines returns a postal address as the lines a letter to its country carries
// (status.AddressBody: the destination country's order), with the country's name in lang
// last: "14 Upper Street" / "London" / "N1 0NB" / "United Kingdom" for a British address,
// "Brüsseler Straße 48" / "50674 Köln" / "Deutschland" for a German one on a German page. A
// nil address has no lines.
func AddressLines(lang string, a *status.Address) []string {
	lines := status.AddressBody(a)
	if a != nil && strings.TrimSpace(a.CountryISO3) != "" {
		lines = append(lines, CountryName(lang, a.CountryISO3))
	}
	return lines
}

// FormatAddress writes an address on one line, its AddressLines joined by commas.
func FormatAddress(lang string, a *status.Address) string {
	return strings.Join(AddressLines(lang, a), ", ")
}
