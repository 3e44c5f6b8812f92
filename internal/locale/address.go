package locale

import (
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// addressFormats are the postal address layouts of destination countries, one line per
// element, after the libaddressinput data that CLDR's address work uses (x/text has no
// address data): %N name, %O company, %A street lines, %C city, %S region (state, province),
// %Z postal code. A country not listed is written as %Z %C, the most common continental
// European order.
var addressFormats = map[string]string{
	"GB": "%N\n%O\n%A\n%C\n%Z",
	"IE": "%N\n%O\n%A\n%C\n%S\n%Z",
	"US": "%N\n%O\n%A\n%C, %S %Z",
	"CA": "%N\n%O\n%A\n%C %S %Z",
	"AU": "%O\n%N\n%A\n%C %S %Z",
	"DE": "%N\n%O\n%A\n%Z %C",
	"AT": "%O\n%N\n%A\n%Z %C",
	"CH": "%O\n%N\n%A\n%Z %C",
	"FR": "%O\n%N\n%A\n%Z %C",
	"NL": "%O\n%N\n%A\n%Z %C",
	"BE": "%O\n%N\n%A\n%Z %C",
	"IT": "%N\n%O\n%A\n%Z %C %S",
	"ES": "%N\n%O\n%A\n%Z %C %S",
	"PT": "%N\n%O\n%A\n%Z %C",
	"PL": "%N\n%O\n%A\n%Z %C",
	"SE": "%O\n%N\n%A\n%Z %C",
	"DK": "%N\n%O\n%A\n%Z %C",
	"NO": "%N\n%O\n%A\n%Z %C",
	"FI": "%O\n%N\n%A\n%Z %C",
	"CZ": "%N\n%O\n%A\n%Z %C",
}

const defaultAddressFormat = "%N\n%O\n%A\n%Z %C"

// upperPostcode lists the countries whose postal codes are written in capitals.
var upperPostcode = map[string]bool{"GB": true, "IE": true, "CA": true, "NL": true}

// AddressLines returns a postal address as the lines a letter to its country carries, with
// the country's name in lang last: "Flat 2, 10 Upper Street" / "London" / "N1 0NB" /
// "United Kingdom" for a British address, "Brüsseler Straße 48" / "50674 Köln" /
// "Deutschland" for a German one on a German page, "Springfield, IL 62704" for the United
// States. Empty elements leave no empty line. A nil address has no lines.
func AddressLines(lang string, a *status.Address) []string {
	if a == nil {
		return nil
	}
	cc := ""
	if r, ok := Region(a.CountryISO3); ok {
		cc = r.String()
	}
	layout, ok := addressFormats[cc]
	if !ok {
		layout = defaultAddressFormat
	}
	postcode := strings.TrimSpace(a.PostalCode)
	if upperPostcode[cc] {
		postcode = strings.ToUpper(postcode)
	}
	fields := map[byte]string{
		'N': strings.TrimSpace(a.FirstName + " " + a.LastName),
		'O': strings.TrimSpace(a.CompanyName),
		'C': strings.TrimSpace(a.City),
		'S': strings.TrimSpace(a.RegionCode),
		'Z': postcode,
	}
	var lines []string
	for line := range strings.SplitSeq(layout, "\n") {
		if line == "%A" {
			for _, s := range []string{a.AddressLine, a.AddressLineExtra} {
				if s = strings.TrimSpace(s); s != "" {
					lines = append(lines, s)
				}
			}
			continue
		}
		if s := expandLine(line, fields); s != "" {
			lines = append(lines, s)
		}
	}
	if a.CountryISO3 != "" {
		lines = append(lines, CountryName(lang, a.CountryISO3))
	}
	return lines
}

// expandLine fills one layout line; the separators around an empty element go with it
// ("Springfield, IL 62704" without a state is "Springfield 62704").
func expandLine(line string, fields map[byte]string) string {
	var parts []string
	var seps []string
	sep := ""
	for i := 0; i < len(line); i++ {
		if line[i] == '%' && i+1 < len(line) {
			if v := fields[line[i+1]]; v != "" {
				if len(parts) > 0 {
					seps = append(seps, sep)
				}
				parts = append(parts, v)
			}
			sep = ""
			i++
			continue
		}
		sep += string(line[i])
	}
	if len(parts) == 0 {
		return ""
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			s := seps[i-1]
			if s == "" {
				s = " "
			}
			b.WriteString(s)
		}
		b.WriteString(p)
	}
	return b.String()
}

// FormatAddress writes an address on one line, its AddressLines joined by commas.
func FormatAddress(lang string, a *status.Address) string {
	return strings.Join(AddressLines(lang, a), ", ")
}
