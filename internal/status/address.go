package status

import "strings"

// AddressLines are the lines of an address as an envelope shows them: name, company, street,
// extra line, postal code and city, region and country. Empty lines are left out.
func AddressLines(a *Address) []string {
	if a == nil {
		return nil
	}
	var lines []string
	for _, s := range []string{a.FirstName + " " + a.LastName, a.CompanyName, a.AddressLine, a.AddressLineExtra,
		a.PostalCode + " " + a.City, a.RegionCode + " " + a.CountryISO3} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	return lines
}

// FormatAddress renders an address on one line: AddressLines joined by commas.
func FormatAddress(a *Address) string { return strings.Join(AddressLines(a), ", ") }

// CourierLabel is the name a shopper knows the tracking's courier by: its courier_name, else
// its courier code.
func (t *Tracking) CourierLabel() string { return firstNonEmpty(t.CourierName, t.Courier) }
