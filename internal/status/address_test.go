package status_test

import (
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// The one-line address (API action box, console) follows the destination country's order
// too; only pages write the country's name.
func TestFormatAddressInTheCountrysOrder(t *testing.T) {
	tests := []struct {
		name string
		addr status.Address
		want string
	}{
		{"GB", status.Address{AddressLine: "14 Upper Street", PostalCode: "n1 0nb", City: "London", CountryISO3: "GBR"}, "14 Upper Street, London, N1 0NB, GBR"},
		{"US", status.Address{AddressLine: "1 Main St", PostalCode: "62704", City: "Springfield", RegionCode: "IL", CountryISO3: "USA"}, "1 Main St, Springfield, IL 62704, USA"},
		{"DE", status.Address{CompanyName: "Beispiel GmbH", AddressLine: "Markt 1", PostalCode: "04109", City: "Leipzig", CountryISO3: "DEU"}, "Beispiel GmbH, Markt 1, 04109 Leipzig, DEU"},
		{"no country", status.Address{AddressLine: "Markt 1", PostalCode: "04109", City: "Leipzig"}, "Markt 1, 04109 Leipzig"},
	}
	for _, tt := range tests {
		if got := status.FormatAddress(&tt.addr); got != tt.want {
			t.Errorf("%s: FormatAddress = %q, want %q", tt.name, got, tt.want)
		}
	}
}
