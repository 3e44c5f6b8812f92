package status

import "strings"

// FormatAddress renders an address on one line.
func FormatAddress(a *Address) string {
	if a == nil {
		return ""
	}
	var parts []string
	for _, s := range []string{a.CompanyName, a.AddressLine, a.AddressLineExtra, strings.TrimSpace(a.PostalCode + " " + a.City)} {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}
