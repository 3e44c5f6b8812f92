package templates

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// The support console is English-only for now: it is for the shop's own staff, while the
// i18n catalogs serve shoppers. Its strings live here, in one place, so that moving them into
// the catalogs later is mechanical. Placeholders are {name}, as in the catalogs.
var supportStrings = map[string]string{
	"support.brand":          "orderstatus support",
	"support.skip":           "Skip to content",
	"support.nav":            "Console",
	"support.nav.search":     "Search",
	"support.nav.audit":      "Audit log",
	"support.logout":         "Log out",
	"support.pager":          "Pages",
	"support.pager.prev":     "Previous page",
	"support.pager.next":     "Next page",
	"support.pager.text":     "Page {page} of {pages}",
	"support.back_to_search": "Back to search",
	"support.copied":         "Copied",
	"support.no_parcels":     "No parcel yet",

	"support.login.title":             "Log in",
	"support.login.heading":           "Support console login",
	"support.login.email":             "Email",
	"support.login.password":          "Password",
	"support.login.submit":            "Log in",
	"support.login.bad":               "The email or the password is not right, or the user is disabled.",
	"support.login.missing":           "Enter your email and password.",
	"support.login.throttled":         "Too many failed logins. Try again at {time}.",
	"support.login.expired":           "Your session ended after 8 hours without activity or 12 hours after login. Please log in again.",
	"support.throttled.title":         "Too many attempts",
	"support.notfound.title":          "Not found",
	"support.notfound.text":           "There is no such order, or it belongs to an account you cannot see.",
	"support.forbidden.title":         "Admins only",
	"support.forbidden.text":          "Only admins can read the audit log.",
	"support.search.title":            "Search orders",
	"support.search.heading":          "Find an order",
	"support.search.label":            "Email, customer number, order number, tracking number, external order id or reference",
	"support.search.hint":             "Paste whatever the shopper gives you. Emails match in any case.",
	"support.search.account":          "Account",
	"support.search.all":              "All accounts",
	"support.search.submit":           "Search",
	"support.search.empty":            "Type what the shopper gave you to find the order. Searches are recorded in the audit log.",
	"support.search.nomatch":          "No orders match {what}.",
	"support.search.results":          "{n} orders match {what}",
	"support.search.results.one":      "1 order matches {what}",
	"support.search.what":             "“{text}” as {kinds} in {scope}",
	"support.search.kinds_or":         "or",
	"support.search.one_acct":         "account {account}",
	"support.kind.recipient_email":    "email",
	"support.kind.order_number":       "order number",
	"support.kind.customer_number":    "customer number",
	"support.kind.tracking_number":    "tracking number",
	"support.kind.external_reference": "external reference",
	"support.kind.external_order_id":  "external order id",

	"support.col.order":      "Order",
	"support.col.account":    "Account",
	"support.col.recipient":  "Recipient",
	"support.col.date":       "Order date",
	"support.col.parcels":    "Parcels",
	"support.col.when":       "When",
	"support.col.parcel":     "Parcel",
	"support.col.topic":      "Topic",
	"support.col.vote":       "Vote",
	"support.col.event":      "Event",
	"support.col.state":      "State",
	"support.col.attempts":   "Attempts",
	"support.col.url":        "URL",
	"support.col.location":   "Location",
	"support.col.article":    "Article",
	"support.col.sku":        "SKU",
	"support.col.quantity":   "Quantity",
	"support.col.unit_price": "Unit price",
	"support.col.user":       "User",
	"support.col.action":     "Action",
	"support.col.query":      "Searched for",

	"support.order.title":            "Order {number}",
	"support.order.heading":          "Order {number}",
	"support.order.details":          "Order details",
	"support.links.heading":          "Links for the shopper",
	"support.links.hint":             "Signed links to this order's page; they work for {ttl}. Send the link, or paste the snippet into an email.",
	"support.links.page":             "Shopper link",
	"support.links.copy_page":        "Copy link",
	"support.links.snippet":          "Email widget snippet (HTML)",
	"support.links.copy_snippet":     "Copy snippet",
	"support.links.widget":           "The widget as the shopper sees it",
	"support.links.ttl":              "{days} days",
	"support.feedback.heading":       "Shopper feedback",
	"support.feedback.none":          "The shopper has not left feedback.",
	"support.feedback.up":            "Thumbs up",
	"support.feedback.down":          "Thumbs down",
	"support.callbacks.heading":      "Callbacks sent",
	"support.callbacks.none":         "No callbacks for this order.",
	"support.callbacks.attempts":     "{n} attempts",
	"support.callbacks.attempts.one": "1 attempt",
	"support.callbacks.last":         "{n} attempts, last: {outcome}",
	"support.callbacks.last.one":     "1 attempt, last: {outcome}",
	"support.callbacks.next":         "next try {time}",
	"support.parcel.heading":         "Parcel {n} of {total}: {courier} {number}",
	"support.parcel.events":          "Events",
	"support.parcel.events_of":       "Events of {parcel}",
	"support.parcel.no_events":       "No events yet.",
	"support.parcel.hidden":          "Hidden from shopper",
	"support.parcel.articles":        "Articles",
	"support.parcel.articles_of":     "Articles of {parcel}",
	"support.parcel.attributes":      "Additional attributes",
	"support.parcel.return":          "return",
	"support.audit.title":            "Audit log",
	"support.audit.heading":          "Audit log",
	"support.audit.user":             "User",
	"support.audit.action":           "Action",
	"support.audit.account":          "Account",
	"support.audit.from":             "From (UTC)",
	"support.audit.to":               "To (UTC, inclusive)",
	"support.audit.filter":           "Filter",
	"support.audit.any":              "Any",
	"support.audit.none":             "No entries match these filters.",
	"support.audit.count":            "{n} entries",
	"support.audit.count.one":        "1 entry",
	"support.audit.action.search":    "Search",
	"support.audit.action.view":      "Order view",
	"support.audit.action.login":     "Login",
	"support.audit.action.logout":    "Logout",

	"support.audit.action.lockout": "Login lockout",

	"support.field.id":                       "Reference id",
	"support.field.account":                  "Account",
	"support.field.order_number":             "Order number",
	"support.field.client_key":               "Client key",
	"support.field.external_order_id":        "External order id",
	"support.field.external_reference":       "External reference",
	"support.field.customer_number":          "Customer number",
	"support.field.recipient_name":           "Recipient",
	"support.field.recipient_email":          "Email",
	"support.field.destination_country_iso3": "Destination country",
	"support.field.language_iso2":            "Language",
	"support.field.delivery_method":          "Delivery method",
	"support.field.invoice_number":           "Invoice number",
	"support.field.payment_method":           "Payment method",
	"support.field.payment_state":            "Payment state",
	"support.field.payment_details":          "Payment details",
	"support.field.order_amount_total":       "Order total",
	"support.field.tax_amount":               "Tax",
	"support.field.net_amount":               "Net amount",
	"support.field.discount_amount":          "Discount",
	"support.field.cod":                      "Cash on delivery",
	"support.field.order_date":               "Order date",
	"support.field.channel":                  "Channel",
	"support.field.announced_delivery_date":  "Announced delivery",
	"support.field.timezone":                 "Time zone",
	"support.field.order_status":             "Order status",
	"support.field.cancelled_date":           "Cancelled",
	"support.field.cancellation_reason":      "Cancellation reason",
	"support.field.workflow":                 "Workflow",
	"support.field.is_exchange":              "Exchange",
	"support.field.number_of_packages":       "Number of packages",
	"support.field.tags":                     "Tags",
	"support.field.notes":                    "Notes",
	"support.field.callback_url":             "Callback URL",
	"support.field.created_at":               "Created",
	"support.field.updated_at":               "Updated",
	"support.field.version":                  "Version",
	"support.field.tracking_id":              "Tracking id",
	"support.field.courier":                  "Courier",
	"support.field.tracking_number":          "Tracking number",
	"support.field.last_mile_courier":        "Last-mile courier",
	"support.field.courier_tracking_url":     "Courier tracking page",
	"support.field.courier_reroute_url":      "Courier reroute page",
	"support.field.is_return":                "Return parcel",
	"support.field.recipient_postal_code":    "Postal code",
	"support.field.shipping_address":         "Shipping address",
	"support.field.phone":                    "Phone",
	"support.field.pickup_location":          "Pickup location",
	"support.field.hold_until":               "Held until",
	"support.field.identifiers_consignment":  "Consignment id",
	"support.field.pod":                      "Proof of delivery",
	"support.field.shipping_label":           "Shipping label",
	"support.field.courier_pickup":           "Courier pickup",
	"support.field.yes":                      "yes",
	"support.field.opening_hours":            "Opening hours",

	"support.day.mon": "Mon",
	"support.day.tue": "Tue",
	"support.day.wed": "Wed",
	"support.day.thu": "Thu",
	"support.day.fri": "Fri",
	"support.day.sat": "Sat",
	"support.day.sun": "Sun",

	"support.order.problem":                "Problem:",
	"support.order.open_as_shopper":        "Open as shopper",
	"support.order.open_hint":              "Opens the shopper's page in a new tab with a fresh signed link (valid 1 hour); recorded in the audit log.",
	"support.notes.heading":                "Agent notes",
	"support.notes.hint":                   "Only staff see these notes; shoppers and the API never do. Adding one is recorded in the audit log.",
	"support.notes.none":                   "No notes yet.",
	"support.notes.by":                     "{user}, {time}",
	"support.notes.add":                    "Add a note",
	"support.notes.submit":                 "Add note",
	"support.audit.action.open_as_shopper": "Open as shopper",
	"support.audit.action.note":            "Note added",
	"support.order.promise":                "Promise:",
}

// ST returns the console string for key with its {placeholders} filled from name, value
// pairs. An unknown key is returned as it is, so a missing string shows up in tests.
func ST(key string, vars ...string) string {
	s, ok := supportStrings[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(vars); i += 2 {
		s = strings.ReplaceAll(s, "{"+vars[i]+"}", vars[i+1])
	}
	return s
}

// STn is ST for a sentence about n things: the key's ".one" variant when n is 1 (English
// has two plural forms; the console is English-only), with {n} filled in.
func STn(key string, n int, vars ...string) string {
	if _, ok := supportStrings[key+".one"]; ok && n == 1 {
		key += ".one"
	}
	return ST(key, append([]string{"n", strconv.Itoa(n)}, vars...)...)
}

func itoa(n int) string { return strconv.Itoa(n) }

// current marks the navigation link of the page being shown.
func current(on bool) templ.Attributes {
	if on {
		return templ.Attributes{"aria-current": "page"}
	}
	return templ.Attributes{}
}

// describedBy points a field at the element that explains its problem, when there is one.
func describedBy(id string, on bool) templ.Attributes {
	if on {
		return templ.Attributes{"aria-describedby": id}
	}
	return templ.Attributes{}
}
