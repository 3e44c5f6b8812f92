package status

import (
	"net/url"
	"strconv"
	"strings"
)

// Delivery states of 003_… (delivery_state), derived from the lifecycle: 003_… names only
// CREATED; the others follow the lifecycle one to one, upper-cased as 003_… writes its enums.
var deliveryStates = map[Lifecycle]string{
	Pending:        "CREATED",
	OrderProcessed: "CREATED",
	InTransit:      "IN_TRANSIT",
	OutForDelivery: "OUT_FOR_DELIVERY",
	PickupReady:    "READY_FOR_PICKUP",
	FailedAttempt:  "FAILED_ATTEMPT",
	Delivered:      "DELIVERED",
	Exception:      "EXCEPTION",
	Returned:       "RETURNED",
	Cancelled:      "CANCELLED",
}

// DeliveryStates lists every delivery_state value, in lifecycle order without repeats.
func DeliveryStates() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range Lifecycles {
		if s := deliveryStates[l]; !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// DeliveryState is the delivery_state of 003_… for a lifecycle state.
func DeliveryState(l Lifecycle) string {
	if s, ok := deliveryStates[l]; ok {
		return s
	}
	return deliveryStates[Pending]
}

// Delivery places (delivery_location): where a delivered parcel was left.
const (
	PlaceRecipient  = "Recipient"
	PlaceNeighbour  = "Neighbour"
	PlaceParcelShop = "ParcelShop"
	PlaceLocker     = "Locker"
	PlaceMailbox    = "Mailbox"
	PlaceSafePlace  = "SafePlace"
	PlaceReception  = "Reception"
)

// placeOfCode is the place a delivery code names.
var placeOfCode = map[string]string{
	"Delivered-Personally": PlaceRecipient,
	"Delivered-Collected":  PlaceRecipient,
	"Delivered-Neighbour":  PlaceNeighbour,
	"Delivered-ParcelShop": PlaceParcelShop,
	"Delivered-Locker":     PlaceLocker,
	"Delivered-Mailbox":    PlaceMailbox,
	"Delivered-SafePlace":  PlaceSafePlace,
	"Delivered-Reception":  PlaceReception,
}

// DeliveryPlace names where a parcel was delivered, from its delivery checkpoint (the newest
// visible checkpoint, vis newest first, when it is a delivery): the carrier's
// delivery_location_type when it sent one, else the place the status code names. "" when
// the parcel is not delivered or the place is not known.
func DeliveryPlace(vis []Checkpoint) string {
	if len(vis) == 0 {
		return ""
	}
	c := vis[0]
	code, ok := LookupCode(c.StatusCode)
	if !ok || code.Lifecycle != Delivered {
		return ""
	}
	if t := strings.TrimSpace(c.DeliveryLocationType); t != "" {
		return t
	}
	return placeOfCode[c.StatusCode]
}

// MapsLink is a link to a map of a place: the area's own maps_link, else its coordinates.
// "" when the location names neither.
func (l *CustomerLocation) MapsLink() string {
	if l == nil || l.Area == nil {
		return ""
	}
	a := l.Area
	if a.MapsLink != "" {
		return a.MapsLink
	}
	if a.Lat != nil && a.Long != nil {
		return "https://maps.google.com/maps?q=" + strconv.FormatFloat(*a.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(*a.Long, 'f', -1, 64)
	}
	return ""
}

// AddressMapsLink is a link to a map search for an address: street, postal code, city and
// country, never the names on it ("" without a street or city).
func AddressMapsLink(a *Address) string {
	if a == nil || strings.TrimSpace(a.AddressLine+a.City) == "" {
		return ""
	}
	var parts []string
	for _, s := range []string{a.AddressLine, a.PostalCode + " " + a.City, a.CountryISO3} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return "https://maps.google.com/maps?q=" + url.QueryEscape(strings.Join(parts, ", "))
}

// ShopperPaid reports whether the customer has paid, by a 003_… payment_state: every state
// after UNPAID is the money's way from the driver to the merchant, which the customer has
// already handed over. ok is false for an empty or unknown state.
func ShopperPaid(paymentState string) (paid, ok bool) {
	switch paymentState {
	case "UNPAID":
		return false, true
	case "PENDING_PAYMENT_BY_DRIVER", "PAID_BY_DRIVER", "PENDING_PAYMENT_TO_MERCHANT", "PAID_TO_MERCHANT":
		return true, true
	}
	return false, false
}

// WithoutReturns returns o without the return shipments of a STANDARD order (trackings
// marked is_return), for info/?show_returns=false; a RETURN order, all of whose parcels are
// returns, is returned as it is. o is not modified.
func (o *Order) WithoutReturns() *Order {
	if o.Workflow == "RETURN" {
		return o
	}
	c := *o
	c.Trackings = make([]Tracking, 0, len(o.Trackings))
	for _, t := range o.Trackings {
		if !t.IsReturn {
			c.Trackings = append(c.Trackings, t)
		}
	}
	return &c
}
