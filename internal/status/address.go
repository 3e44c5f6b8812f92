package status

import "strings"

// addressFormats are the postal address layouts of destination countries by ISO 3166
// alpha-3 code, one line per element, after the libaddressinput data that CLDR's address
// work uses (x/text has no address data): %N name, %O company, %A street lines, %C city,
// %S region (state, province), %Z postal code. A country not listed is written as
// defaultAddressFormat, the most common continental European order.
var addressFormats = map[string]string{
	"GBR": "%N\n%O\n%A\n%C\n%Z",
	"IRL": "%N\n%O\n%A\n%C\n%S\n%Z",
	"USA": "%N\n%O\n%A\n%C, %S %Z",
	"CAN": "%N\n%O\n%A\n%C %S %Z",
	"AUS": "%O\n%N\n%A\n%C %S %Z",
	"DEU": "%N\n%O\n%A\n%Z %C",
	"AUT": "%O\n%N\n%A\n%Z %C",
	"CHE": "%O\n%N\n%A\n%Z %C",
	"FRA": "%O\n%N\n%A\n%Z %C",
	"NLD": "%O\n%N\n%A\n%Z %C",
	"BEL": "%O\n%N\n%A\n%Z %C",
	"ITA": "%N\n%O\n%A\n%Z %C %S",
	"ESP": "%N\n%O\n%A\n%Z %C %S",
	"PRT": "%N\n%O\n%A\n%Z %C",
	"POL": "%N\n%O\n%A\n%Z %C",
	"SWE": "%O\n%N\n%A\n%Z %C",
	"DNK": "%N\n%O\n%A\n%Z %C",
	"NOR": "%N\n%O\n%A\n%Z %C",
	"FIN": "%O\n%N\n%A\n%Z %C",
	"CZE": "%N\n%O\n%A\n%Z %C",
}

const defaultAddressFormat = "%N\n%O\n%A\n%Z %C"

// upperPostcode lists the countries whose postal codes are written in capitals.
var upperPostcode = map[string]bool{"GBR": true, "IRL": true, "CAN": true, "NLD": true}

// AddressBody returns the lines of an address above its country, in the order a letter to
// that country carries them: "14 Upper Street" / "London" / "N1 0NB" in Britain,
// "Springfield, IL 62704" in the United States, "50674 Köln" in Germany. Empty elements leave
// no empty line, and the separators around them go too ("New York 10001" without a state).
func AddressBody(a *Address) []string {
	if a == nil {
		return nil
	}
	cc := strings.ToUpper(strings.TrimSpace(a.CountryISO3))
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
		if s := expandAddressLine(line, fields); s != "" {
			lines = append(lines, s)
		}
	}
	return lines
}

// expandAddressLine fills one layout line, dropping empty elements with the separator
// before them.
func expandAddressLine(line string, fields map[byte]string) string {
	var b strings.Builder
	sep := ""
	for i := 0; i < len(line); i++ {
		if line[i] != '%' || i+1 == len(line) {
			sep += string(line[i])
			continue
		}
		if v := fields[line[i+1]]; v != "" {
			if b.Len() > 0 {
				if sep == "" {
					sep = " "
				}
				b.WriteString(sep)
			}
			b.WriteString(v)
		}
		sep = ""
		i++
	}
	return b.String()
}

// AddressLines are the lines of an address as an envelope shows them: AddressBody, then
// the country's code. Pages write the country's name instead (internal/locale).
func AddressLines(a *Address) []string {
	lines := AddressBody(a)
	if a != nil && strings.TrimSpace(a.CountryISO3) != "" {
		lines = append(lines, strings.TrimSpace(a.CountryISO3))
	}
	return lines
}

// FormatAddress renders an address on one line: AddressLines joined by commas.
func FormatAddress(a *Address) string { return strings.Join(AddressLines(a), ", ") }

// CourierLabel is the name a shopper knows the tracking's courier by: its courier_name, else
// its courier code.
func (t *Tracking) CourierLabel() string { return firstNonEmpty(t.CourierName, t.Courier) }
