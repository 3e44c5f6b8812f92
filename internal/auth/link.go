package auth

import (
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// TrackingLink is the shopper link this service issues for an order (003_… tracking_link):
// the page at baseURL/track with the order's identity signed by the account's current key
// and no expiry, so that the link stays the same for the order's life and opens it at shopper
// level. An order known only by its external_order_id is linked by that.
func TrackingLink(baseURL string, a status.Account, o *status.Order) string {
	l := OrderLookup(o)
	if o.OrderNumber == "" {
		l = status.Lookup{Kind: status.ByExternalOrderID, Account: o.Account, Value: o.ExternalOrderID}
	}
	return baseURL + "/track?" + SignedQuery(a, l, 0, time.Time{}).Encode()
}
