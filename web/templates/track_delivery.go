package templates

// DeliveryFacts are the 003_… facts of an order a shopper is shown (shopper level only):
// whether it is paid, the shop's notes, the customer's directions and maps of the delivery
// and pickup places. Empty fields are left out.
type DeliveryFacts struct {
	Payment    string // "Paid" or "Not paid yet"
	Notes      string
	Area       string // "Balde, Akkar"
	Directions string
	MapURL     string // a map of the customer location
	Pickups    []PlaceLink
}

// PlaceLink is a named place with a map link.
type PlaceLink struct{ Name, URL string }
