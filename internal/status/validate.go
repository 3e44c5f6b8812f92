package status

import (
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

var (
	amountRe = regexp.MustCompile(`^-?\d{0,8}(?:\.\d{0,2})?$`)
	uuidRe   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	tagRe    = regexp.MustCompile(`^[^:\s][^:]*:.+$`)
	clockRe  = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$`)
)

// Enumerations of the ingest schema.
var (
	CancellationReasons = []string{"customer", "inventory", "payment", "other"}
	PaymentStates       = []string{"UNPAID", "PENDING_PAYMENT_BY_DRIVER", "PAID_BY_DRIVER", "PENDING_PAYMENT_TO_MERCHANT", "PAID_TO_MERCHANT"}
	Workflows           = []string{"STANDARD", "RETURN"}
	Weekdays            = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

// UnsetEmail is the literal a shop sends when it does not know the recipient's email.
const UnsetEmail = "_unset"

// Validate checks every rule of the ingest schema on a merged order, normalising dates,
// timestamps, codes and times in place. Problems are added to e.
func Validate(o *Order, e *ValidationError) {
	o.OrderNumber = strings.TrimSpace(o.OrderNumber)
	if o.OrderNumber == "" {
		e.Add("required", "order_number", "This field is required.")
	} else if len(o.OrderNumber) > 100 {
		e.Add("invalid", "order_number", "Ensure this field has no more than 100 characters.")
	}
	if o.ExternalOrderID != "" {
		if !uuidRe.MatchString(o.ExternalOrderID) {
			e.Add("invalid", "external_order_id", "Must be a valid UUID.")
		} else {
			o.ExternalOrderID = strings.ToLower(o.ExternalOrderID)
		}
	}
	o.RecipientEmail = strings.TrimSpace(o.RecipientEmail)
	switch {
	case o.RecipientEmail == "":
		e.Add("required", "recipient_email", "This field is required; send %q when the email is not known.", UnsetEmail)
	case o.RecipientEmail != UnsetEmail && !ValidEmail(o.RecipientEmail):
		e.Add("invalid", "recipient_email", "Enter a valid email address.")
	}
	checkCountry(&o.DestinationCountryISO3, "destination_country_iso3", e)
	if o.LanguageISO2 != "" {
		if l, ok := ValidLanguage(o.LanguageISO2); ok {
			o.LanguageISO2 = l
		} else {
			e.Add("invalid", "language_iso2", "%q is not an ISO 639-1 language code.", o.LanguageISO2)
		}
	}
	for _, f := range []struct {
		v    string
		attr string
	}{{o.OrderAmountTotal, "order_amount_total"}, {o.TaxAmount, "tax_amount"}, {o.NetAmount, "net_amount"}, {o.DiscountAmount, "discount_amount"}} {
		checkAmount(f.v, f.attr, e)
	}
	if o.OrderCurrency != "" {
		if c, ok := ValidCurrency(o.OrderCurrency); ok {
			o.OrderCurrency = c
		} else {
			e.Add("invalid", "order_currency", "%q is not an ISO 4217 currency code.", o.OrderCurrency)
		}
	}
	checkTimestamp(&o.OrderDate, "order_date", e)
	checkTimestamp(&o.CancelledDate, "cancelled_date", e)
	checkDateRange(&o.AnnouncedDeliveryDate, &o.AnnouncedDeliveryDateMin, &o.AnnouncedDeliveryDateMax, "", e)
	checkZone(o.Timezone, "timezone", e)
	checkEnum(o.CancellationReason, CancellationReasons, "cancellation_reason", e)
	checkEnum(o.PaymentState, PaymentStates, "payment_state", e)
	checkEnum(o.Workflow, Workflows, "workflow", e)
	for i, t := range o.Tags {
		if !tagRe.MatchString(t) {
			e.Add("invalid", "tags["+strconv.Itoa(i)+"]", "Tags have the form key:value, e.g. 'category:Home Apparel'.")
		}
	}
	checkPairs(o.COD, "cod", e)
	if o.NumberOfPackages < 0 {
		e.Add("invalid", "number_of_packages", "Ensure this value is greater than or equal to 1.")
	}
	if o.IsExchange && o.Workflow == "RETURN" {
		e.Add("invalid", "is_exchange", "is_exchange only applies to workflow STANDARD.")
	}
	checkPairs(o.DeliveryFee, "delivery_fee", e)
	if l := o.CustomerLocation; l != nil && l.Area != nil {
		a := l.Area
		if a.Lat != nil && (*a.Lat < -90 || *a.Lat > 90) {
			e.Add("invalid", "customer_location.area.lat", "Must be a latitude from -90 to 90.")
		}
		if a.Long != nil && (*a.Long < -180 || *a.Long > 180) {
			e.Add("invalid", "customer_location.area.long", "Must be a longitude from -180 to 180.")
		}
		checkURL(a.MapsLink, "customer_location.area.maps_link", e)
	}
	checkURL(o.CallbackURL, "callback_url", e)
	checkEnum(o.CallbackMode, []string{CallbackChanges, CallbackOnce}, "callback_mode", e)
	for i := range o.Trackings {
		validateTracking(&o.Trackings[i], "trackings["+strconv.Itoa(i)+"]", e)
	}
	validateLineItems(o, e)
}

// validateArticle checks one line item, of a tracking or of the order.
func validateArticle(a *Article, ap string, e *ValidationError) {
	checkAmount(a.UnitPrice, ap+".unit_price", e)
	checkAmount(a.AmountInvoiced, ap+".amount_invoiced", e)
	if a.Quantity < 0 {
		e.Add("invalid", ap+".quantity", "Ensure this value is greater than or equal to 0.")
	}
	checkCountry(&a.OriginCountryISO3, ap+".origin_country_iso3", e)
	if a.ArticleImageURL != "" && !ValidImageURL(a.ArticleImageURL) {
		e.Add("invalid", ap+".article_image_url", "Use a path on this site (/images/x.png) or an absolute https:// URL.")
	}
	checkURL(a.ArticleStoreURL, ap+".article_store_url", e)
}

// validateLineItems checks the order's line items (articles_order): line_item_id is required
// and unique within the order, and a tracking's article that names a line_item_id names one of
// them. The billing address and the additional recipients are checked like their kin.
func validateLineItems(o *Order, e *ValidationError) {
	ids := map[string]int{}
	for i := range o.ArticlesOrder {
		a := &o.ArticlesOrder[i]
		ap := "articles_order[" + strconv.Itoa(i) + "]"
		validateArticle(a, ap, e)
		a.LineItemID = strings.TrimSpace(a.LineItemID)
		switch j, dup := ids[a.LineItemID]; {
		case a.LineItemID == "":
			e.Add("required", ap+".line_item_id", "This field is required.")
		case dup:
			e.Add("duplicate", ap+".line_item_id", "Duplicate of articles_order[%d]: line_item_id must be unique within an order.", j)
		default:
			ids[a.LineItemID] = i
		}
	}
	if len(o.ArticlesOrder) > 0 {
		for i, t := range o.Trackings {
			for j, a := range t.Articles {
				if _, ok := ids[strings.TrimSpace(a.LineItemID)]; a.LineItemID != "" && !ok {
					e.Add("invalid", "trackings["+strconv.Itoa(i)+"].articles["+strconv.Itoa(j)+"].line_item_id",
						"No line item %q in articles_order.", a.LineItemID)
				}
			}
		}
	}
	if o.BillingAddress != nil {
		checkAddress(o.BillingAddress, "billing_address", e)
	}
	for i := range o.AdditionalRecipients {
		r := &o.AdditionalRecipients[i]
		rp := "additional_recipients[" + strconv.Itoa(i) + "]"
		r.Email, r.Role = strings.TrimSpace(r.Email), strings.TrimSpace(r.Role)
		if !ValidEmail(r.Email) {
			e.Add("invalid", rp+".email", "Enter a valid email address.")
		}
		if r.Role == "" {
			e.Add("required", rp+".role", "This field is required.")
		}
	}
}

func validateTracking(t *Tracking, p string, e *ValidationError) {
	t.TrackingNumber = strings.TrimSpace(t.TrackingNumber)
	t.Courier = strings.ToLower(strings.TrimSpace(t.Courier))
	if t.TrackingNumber == "" {
		e.Add("required", p+".tracking_number", "This field is required.")
	}
	if t.Courier == "" {
		e.Add("required", p+".courier", "This field is required.")
	}
	checkURL(t.CourierTrackingURL, p+".courier_tracking_url", e)
	checkURL(t.CourierRerouteURL, p+".courier_reroute_url", e)
	if a := t.ShippingAddress; a != nil {
		checkAddress(a, p+".shipping_address", e)
	}
	for i := range t.Articles {
		validateArticle(&t.Articles[i], p+".articles["+strconv.Itoa(i)+"]", e)
	}
	checkDateRange(&t.AnnouncedDeliveryDate, &t.AnnouncedDeliveryDateMin, &t.AnnouncedDeliveryDateMax, p+".", e)
	checkZone(t.Timezone, p+".timezone", e)
	checkDate(&t.PODDate, p+".pod_date", e)
	if l := t.ShippingLabel; l != nil {
		if strings.TrimSpace(l.URL) == "" {
			e.Add("required", p+".shipping_label.url", "This field is required.")
		}
		checkURL(l.URL, p+".shipping_label.url", e)
	}
	if w := t.CourierPickup; w != nil {
		checkTimestamp(&w.Earliest, p+".courier_pickup.earliest", e)
		checkTimestamp(&w.Latest, p+".courier_pickup.latest", e)
		switch {
		case w.Earliest == "" && w.Latest == "":
			e.Add("required", p+".courier_pickup.earliest", "Send earliest, latest or both.")
		case w.Earliest != "" && w.Latest != "" && w.Latest < w.Earliest:
			e.Add("invalid", p+".courier_pickup.latest", "Must not be before earliest.")
		}
	}
	if pl := t.PickupLocation; pl != nil {
		pp := p + ".pickup_location"
		if strings.TrimSpace(pl.Name) == "" {
			e.Add("required", pp+".name", "This field is required.")
		}
		if pl.Address != nil {
			checkAddress(pl.Address, pp+".address", e)
		}
		checkDate(&pl.HoldUntil, pp+".hold_until", e)
		for i := range pl.OpeningHours {
			checkOpening(&pl.OpeningHours[i], pp+".opening_hours["+strconv.Itoa(i)+"]", e)
		}
	}
	for i := range t.Checkpoints {
		ValidateCheckpoint(&t.Checkpoints[i], p+".checkpoints["+strconv.Itoa(i)+"]", e)
	}
}

// ValidateCheckpoint checks and normalises one carrier event.
func ValidateCheckpoint(c *Checkpoint, p string, e *ValidationError) {
	if _, ok := LookupCode(c.StatusCode); !ok {
		if c.StatusCode == "" {
			e.Add("required", join(p, "status_code"), "This field is required. Valid codes: %s.", strings.Join(Codes(), ", "))
		} else {
			e.Add("invalid_choice", join(p, "status_code"), "%q is not a valid status code. Valid codes: %s.", c.StatusCode, strings.Join(Codes(), ", "))
		}
	}
	if c.EventTimestamp == "" {
		e.Add("required", join(p, "event_timestamp"), "This field is required.")
	} else {
		checkTimestamp(&c.EventTimestamp, join(p, "event_timestamp"), e)
	}
	checkZone(c.Timezone, join(p, "timezone"), e)
	c.Courier = strings.ToLower(strings.TrimSpace(c.Courier))
	if w := c.EstimatedDeliveryDate; w != nil {
		checkDate(&w.StartDate, join(p, "estimated_delivery_date.start_date"), e)
		checkDate(&w.EndDate, join(p, "estimated_delivery_date.end_date"), e)
		checkClock(&w.StartTime, join(p, "estimated_delivery_date.start_time"), e)
		checkClock(&w.EndTime, join(p, "estimated_delivery_date.end_time"), e)
	}
}

func checkAddress(a *Address, p string, e *ValidationError) {
	for _, f := range []struct{ v, name string }{{a.AddressLine, "address_line"}, {a.PostalCode, "postal_code"}, {a.City, "city"}, {a.CountryISO3, "country_iso3"}} {
		if strings.TrimSpace(f.v) == "" {
			e.Add("required", p+"."+f.name, "This field is required.")
		}
	}
	if a.CountryISO3 != "" {
		checkCountry(&a.CountryISO3, p+".country_iso3", e)
	}
}

func checkOpening(h *OpeningHours, p string, e *ValidationError) {
	h.Day = strings.ToLower(h.Day)
	checkEnum(h.Day, Weekdays, p+".day", e)
	if h.Open == "" || h.Close == "" {
		e.Add("required", p, "Both open and close are required.")
		return
	}
	okO, okC := checkClock(&h.Open, p+".open", e), checkClock(&h.Close, p+".close", e)
	if okO && okC && h.Open >= h.Close {
		e.Add("invalid", p, "Opening time must be before closing time.")
	}
}

func checkClock(v *string, attr string, e *ValidationError) bool {
	if *v == "" {
		return true
	}
	m := clockRe.FindStringSubmatch(*v)
	if m == nil {
		e.Add("invalid", attr, "Time has wrong format. Use hh:mm:ss.")
		return false
	}
	sec := m[3]
	if sec == "" {
		sec = "00"
	}
	*v = m[1] + ":" + m[2] + ":" + sec
	return true
}

// checkPairs checks a list of [currency, amount] pairs (cod, delivery_fee) and normalises the
// currencies.
func checkPairs(pairs [][]string, name string, e *ValidationError) {
	for i, pair := range pairs {
		attr := name + "[" + strconv.Itoa(i) + "]"
		if len(pair) != 2 {
			e.Add("invalid", attr, "Each entry is a [currency, amount] pair, e.g. [\"USD\",\"50.50\"].")
			continue
		}
		if c, ok := ValidCurrency(pair[0]); ok {
			pair[0] = c
		} else {
			e.Add("invalid", attr, "%q is not an ISO 4217 currency code.", pair[0])
		}
		if pair[1] == "" || !amountRe.MatchString(pair[1]) {
			e.Add("invalid", attr, "Amount %q must match ^-?\\d{0,8}(?:\\.\\d{0,2})?$.", pair[1])
		}
	}
}

func checkAmount(v, attr string, e *ValidationError) {
	if v != "" && !amountRe.MatchString(v) {
		e.Add("invalid", attr, "Must match ^-?\\d{0,8}(?:\\.\\d{0,2})?$, e.g. \"129.90\".")
	}
}

func checkEnum(v string, allowed []string, attr string, e *ValidationError) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	e.Add("invalid_choice", attr, "%q is not a valid choice. Valid: %s.", v, strings.Join(allowed, ", "))
}

func checkURL(v, attr string, e *ValidationError) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e.Add("invalid", attr, "Enter a valid http or https URL.")
	}
}

// ValidImageURL reports whether an image URL is either a path on this site ("/x.png", never
// "//host/x.png") or an absolute https URL with a host. It parses the URL rather than
// looking at prefixes, and refuses backslashes and control characters, which browsers drop
// or turn into slashes.
func ValidImageURL(v string) bool {
	if strings.ContainsAny(v, "\\") || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(v)
	if err != nil || u.User != nil {
		return false
	}
	if u.Scheme == "" {
		return u.Host == "" && strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") && u.Opaque == ""
	}
	return u.Scheme == "https" && u.Host != "" && u.Hostname() != ""
}

func checkTimestamp(v *string, attr string, e *ValidationError) {
	if *v == "" {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		e.Add("invalid", attr, "Datetime has wrong format. Use RFC 3339, e.g. 2025-10-12T10:59:49.175Z.")
		return
	}
	*v = FormatTimestamp(t)
}

func checkDate(v *string, attr string, e *ValidationError) {
	if *v == "" {
		return
	}
	if _, err := time.Parse(DateLayout, *v); err != nil {
		e.Add("invalid", attr, "Date has wrong format. Use YYYY-MM-DD.")
	}
}

func checkDateRange(date, min, max *string, p string, e *ValidationError) {
	checkDate(date, p+"announced_delivery_date", e)
	checkDate(min, p+"announced_delivery_date_min", e)
	checkDate(max, p+"announced_delivery_date_max", e)
	if *min != "" && *max != "" && *min > *max {
		e.Add("invalid", p+"announced_delivery_date_min", "Must not be after announced_delivery_date_max.")
	}
}

func checkZone(v, attr string, e *ValidationError) {
	if v == "" {
		return
	}
	if _, err := Location(v); err != nil || v == "Local" {
		e.Add("invalid", attr, "%q is not an IANA time zone, e.g. Europe/Berlin.", v)
	}
}

func checkCountry(v *string, attr string, e *ValidationError) {
	if *v == "" {
		return
	}
	if c, ok := ValidCountry(*v); ok {
		*v = c
	} else {
		e.Add("invalid", attr, "%q is not an ISO 3166-1 alpha-3 country code.", *v)
	}
}

// ValidCountry reports whether s is an assigned ISO 3166-1 alpha-3 country code and returns
// it upper-cased.
func ValidCountry(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return "", false
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() || r.ISO3() != s {
		return "", false
	}
	return s, true
}

// ValidLanguage reports whether s is an ISO 639-1 (two-letter) language code.
func ValidLanguage(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 2 {
		return "", false
	}
	b, err := language.ParseBase(s)
	if err != nil || b.String() != s {
		return "", false
	}
	return s, true
}

// ValidCurrency reports whether s is an ISO 4217 currency code.
func ValidCurrency(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return "", false
	}
	u, err := currency.ParseISO(s)
	if err != nil || u.String() != s {
		return "", false
	}
	return s, true
}

// ValidEmail reports whether s is a plain email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// NormalizeEmail is the form emails are compared in: trimmed and lower-cased.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormalizePostalCode is the form postal codes are compared in: no spaces, upper-case.
func NormalizePostalCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

var zones sync.Map // name -> *time.Location

// Location is time.LoadLocation with a cache: loading a zone parses its data every time.
func Location(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}

// OrderNumberKey is the form order numbers are looked up in: trimmed, ASCII letters
// lower-cased (shoppers type "a-1003" for "A-1003"). Both stores index lower(order_number),
// which lower-cases ASCII only, so non-ASCII letters are left as they are here too.
func OrderNumberKey(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TrackingNumberKey is the form tracking numbers are looked up in: without spaces (carriers
// print them in groups, "JJD 0001 2345"). Both stores index the stored number
// with its spaces removed.
func TrackingNumberKey(s string) string { return strings.Join(strings.Fields(s), "") }
