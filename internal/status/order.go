// Package status is the domain of orderstatus: orders, trackings and checkpoints, the status
// model that maps event codes to lifecycle states and progress steps, lookups, access levels
// and redaction, and the derived order info document. It knows nothing about HTTP or SQL.
package status

import (
	"encoding/json"
	"errors"
	"time"
)

// Sentinel errors returned by the Store and the domain services. Handlers map them to HTTP
// statuses in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("already exists")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
)

// Timestamp layout used in every JSON document: UTC with milliseconds.
const (
	TimestampLayout = "2006-01-02T15:04:05.000Z"
	DateLayout      = "2006-01-02"
	TimeLayout      = "15:04:05"
)

// FormatTimestamp renders t in the public timestamp format.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampLayout) }

// ParseTimestamp parses a stored (normalised) or incoming RFC 3339 timestamp.
func ParseTimestamp(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// Account is a shop. Orders, tokens and signing keys belong to one account.
type Account struct {
	ID                 int64  `json:"account"`
	Name               string `json:"name"`
	SigningKey         string `json:"-"`
	PreviousSigningKey string `json:"-"`
	CallbackSecret     string `json:"-"`
	// PublicView is what anonymous callers see: "status" (status without personal data)
	// or "none" (only the verification form).
	PublicView string `json:"public_view"`
	// Branding and support contact, shown on the shopper page and the widget.
	// DisplayName, when set, is shown instead of Name; ShopURL is where the logo links;
	// ReturnsURL is offered on delivered orders. LogoURL is either an external https URL
	// (demo data) or the content-hashed URL of a logo uploaded into the database.
	DisplayName  string `json:"display_name"`
	ShopURL      string `json:"shop_url"`
	ReturnsURL   string `json:"returns_url"`
	LogoURL      string `json:"logo_url"`
	AccentColor  string `json:"accent_color"`
	SupportEmail string `json:"support_email"`
	SupportPhone string `json:"support_phone"`
	SupportURL   string `json:"support_url"`
	CallbackURL  string `json:"callback_url"`
	Language     string `json:"language"`
	// CallbackMode is "changes" (every event; the default when empty) or "once" (000_…:
	// exactly one callback, when the order is first accepted or cancelled).
	CallbackMode string `json:"callback_mode"`
	// CallbackTopics, when not empty, are the only events sent (order.accepted,
	// order.cancelled, tracking.status_changed).
	CallbackTopics []string `json:"callback_topics"`
}

// ShownName is the shop's name as shoppers see it: DisplayName when set, else Name.
func (a Account) ShownName() string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Name
}

// Callback modes.
const (
	CallbackChanges = "changes"
	CallbackOnce    = "once"
)

// Public view settings of an account.
const (
	PublicViewStatus = "status"
	PublicViewNone   = "none"
)

// Order is an order with its trackings, as ingested through the API and as returned by
// GET /v4/track/orders/{id}/. Dates and timestamps are stored normalised (see Normalize).
type Order struct {
	ID                       string          `json:"id"`
	Account                  int64           `json:"account"`
	OrderNumber              string          `json:"order_number"`
	ExternalOrderID          string          `json:"external_order_id"`
	ExternalReference        string          `json:"external_reference"`
	ClientKey                string          `json:"client_key"`
	DestinationCountryISO3   string          `json:"destination_country_iso3"`
	LanguageISO2             string          `json:"language_iso2"`
	DeliveryMethod           string          `json:"delivery_method"`
	RecipientEmail           string          `json:"recipient_email"`
	RecipientName            string          `json:"recipient_name"`
	CustomerNumber           string          `json:"customer_number"`
	InvoiceNumber            string          `json:"invoice_number"`
	PaymentMethod            string          `json:"payment_method"`
	OrderAmountTotal         string          `json:"order_amount_total"`
	TaxAmount                string          `json:"tax_amount"`
	NetAmount                string          `json:"net_amount"`
	DiscountAmount           string          `json:"discount_amount"`
	OrderCurrency            string          `json:"order_currency"`
	PaymentDetails           json.RawMessage `json:"payment_details"`
	OrderDate                string          `json:"order_date"`
	Channel                  string          `json:"channel"`
	AnnouncedDeliveryDate    string          `json:"announced_delivery_date"`
	AnnouncedDeliveryDateMin string          `json:"announced_delivery_date_min"`
	AnnouncedDeliveryDateMax string          `json:"announced_delivery_date_max"`
	Timezone                 string          `json:"timezone"`
	OrderStatus              string          `json:"order_status"`
	HasMultipleShipments     bool            `json:"has_multiple_shipments"`
	CancelledDate            string          `json:"cancelled_date"`
	CancellationReason       string          `json:"cancellation_reason"`
	Tags                     []string        `json:"tags"`
	COD                      [][]string      `json:"cod"`
	PaymentState             string          `json:"payment_state"`
	Workflow                 string          `json:"workflow"`
	IsExchange               bool            `json:"is_exchange"`
	NumberOfPackages         int             `json:"number_of_packages"`
	Notes                    string          `json:"notes"`
	// Fields of 003_… (a delivery company's order): a critical order is handled first;
	// description (of the contents) and return_reason are the shop's free text; the merchant
	// location and invoice are the shop's internal references; delivery_fee pairs like cod.
	IsCritical           bool              `json:"is_critical"`
	Description          string            `json:"description"`
	ReturnReason         string            `json:"return_reason"`
	MerchantLocation     int64             `json:"merchant_location"`
	MerchantInvoice      string            `json:"merchant_invoice"`
	DeliveryFee          [][]string        `json:"delivery_fee"`
	SecondaryPhoneNumber string            `json:"secondary_phone_number"`
	CustomerLocation     *CustomerLocation `json:"customer_location"`
	CallbackURL          string            `json:"callback_url"`
	// Fields of parcelLab's v4 contract (the drop-in surface): the order's line items, which
	// trackings' articles name by line_item_id; the billing address; further recipients of
	// the shop's messages.
	ArticlesOrder        []Article   `json:"articles_order"`
	BillingAddress       *Address    `json:"billing_address"`
	AdditionalRecipients []Recipient `json:"additional_recipients"`
	// CallbackMode overrides the account's callback mode for this order ("" keeps it).
	CallbackMode string     `json:"callback_mode"`
	Trackings    []Tracking `json:"trackings"`
	CreatedAt    string     `json:"created_at"`
	UpdatedAt    string     `json:"updated_at"`
	// Version increases with every stored change; it keys caches and ETags.
	Version int64 `json:"version"`
}

// Tracking is one parcel of an order.
type Tracking struct {
	ID                       string          `json:"id"`
	TrackingNumber           string          `json:"tracking_number"`
	Courier                  string          `json:"courier"`
	CourierName              string          `json:"courier_name"`
	CourierTrackingURL       string          `json:"courier_tracking_url"`
	CourierRerouteURL        string          `json:"courier_reroute_url"`
	LastMileCourier          string          `json:"last_mile_courier"`
	LastMileCourierName      string          `json:"last_mile_courier_name"`
	ExternalReference        string          `json:"external_reference"`
	IsReturn                 bool            `json:"is_return"`
	RecipientPostalCode      string          `json:"recipient_postal_code"`
	ShippingAddress          *Address        `json:"shipping_address"`
	Articles                 []Article       `json:"articles"`
	AdditionalAttributes     map[string]any  `json:"additional_attributes"`
	AnnouncedDeliveryDate    string          `json:"announced_delivery_date"`
	AnnouncedDeliveryDateMin string          `json:"announced_delivery_date_min"`
	AnnouncedDeliveryDateMax string          `json:"announced_delivery_date_max"`
	Timezone                 string          `json:"timezone"`
	PickupLocation           *PickupLocation `json:"pickup_location"`
	IdentifiersConsignment   string          `json:"identifiers_consignment"`
	PODIdentifier            string          `json:"pod_identifier"`
	PODSignature             string          `json:"pod_signature"`
	PODDate                  string          `json:"pod_date"`
	Checkpoints              []Checkpoint    `json:"checkpoints"`
	// 000_…: the shipping label to attach before handover (a URL the shop or carrier sends)
	// and when the courier arrives to pick the parcel up. Both are for the shop: API token
	// and console only.
	ShippingLabel *ShippingLabel `json:"shipping_label"`
	CourierPickup *PickupWindow  `json:"courier_pickup"`
}

// ShippingLabel is where a tracking's shipping label is found.
type ShippingLabel struct {
	URL string `json:"url"`
}

// PickupWindow is when a courier arrives to collect a parcel from the shop: timestamps, the
// latest not before the earliest.
type PickupWindow struct {
	Earliest string `json:"earliest"`
	Latest   string `json:"latest"`
}

// Address is a shipping or pickup address.
type Address struct {
	FirstName        string `json:"first_name"`
	LastName         string `json:"last_name"`
	CompanyName      string `json:"company_name"`
	AddressLine      string `json:"address_line"`
	AddressLineExtra string `json:"address_line_extra"`
	PostalCode       string `json:"postal_code"`
	City             string `json:"city"`
	CountryISO3      string `json:"country_iso3"`
	RegionCode       string `json:"region_code"`
	Phone            string `json:"phone"`
}

// Recipient is a further recipient of an order's messages (parcelLab's additional_recipients).
type Recipient struct {
	Role  string `json:"role"`
	Email string `json:"email"`
}

// CustomerLocation is where a delivery company finds the customer (003_…): an area with its
// coordinates and a maps link, and the customer's own directions.
type CustomerLocation struct {
	ID         int64  `json:"id"`
	Area       *Area  `json:"area"`
	Directions string `json:"directions"`
}

// Area is a named place of a customer location.
type Area struct {
	ID       int64    `json:"id"`
	NameEn   string   `json:"name_en"`
	NameAr   string   `json:"name_ar"`
	Lat      *float64 `json:"lat"`
	Long     *float64 `json:"long"`
	District string   `json:"district"`
	MapsLink string   `json:"maps_link"`
}

// PickupLocation is where a parcel waits for collection.
type PickupLocation struct {
	Name         string         `json:"name"`
	Address      *Address       `json:"address"`
	OpeningHours []OpeningHours `json:"opening_hours"`
	// HoldUntil is the last day the parcel can be collected (date).
	HoldUntil string `json:"hold_until"`
}

// OpeningHours is one opening interval on a weekday ("mon".."sun"), times "15:04:05".
type OpeningHours struct {
	Day   string `json:"day"`
	Open  string `json:"open"`
	Close string `json:"close"`
}

// KeyValue is an additional attribute of an article.
type KeyValue struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// Article is a line item shipped in a tracking. Keys the schema does not know are kept in
// Extra and returned as they came.
type Article struct {
	Version              string     `json:"version"`
	LineItemID           string     `json:"line_item_id"`
	ProductID            string     `json:"product_id"`
	SKU                  string     `json:"sku"`
	OrderItemID          string     `json:"order_item_id"`
	ArticleName          string     `json:"article_name"`
	ArticleCategory      string     `json:"article_category"`
	ArticleStoreURL      string     `json:"article_store_url"`
	ArticleImageURL      string     `json:"article_image_url"`
	ArticleBrand         string     `json:"article_brand"`
	Size                 string     `json:"size"`
	Color                string     `json:"color"`
	Width                *float64   `json:"width"`
	Height               *float64   `json:"height"`
	Length               *float64   `json:"length"`
	LengthUnit           string     `json:"length_unit"`
	Weight               *float64   `json:"weight"`
	WeightUnit           string     `json:"weight_unit"`
	UnitPrice            string     `json:"unit_price"`
	Quantity             int        `json:"quantity"`
	AmountInvoiced       string     `json:"amount_invoiced"`
	OriginCountryISO3    string     `json:"origin_country_iso3"`
	IsBulky              bool       `json:"is_bulky"`
	Tags                 []string   `json:"tags"`
	AdditionalAttributes []KeyValue `json:"additional_attributes"`

	Extra map[string]json.RawMessage `json:"-"`
}

// DateWindow is a carrier's estimate of the delivery date and time.
type DateWindow struct {
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// Checkpoint is one carrier event of a tracking.
type Checkpoint struct {
	StatusCode            string      `json:"status_code"`
	EventTimestamp        string      `json:"event_timestamp"`
	StatusText            string      `json:"status_text"`
	StatusDetails         string      `json:"status_details"`
	IsHidden              bool        `json:"is_hidden"`
	Location              string      `json:"location"`
	DeliveryLocationType  string      `json:"delivery_location_type"`
	DeliveryExtraInfo     string      `json:"delivery_extra_info"`
	EstimatedDeliveryDate *DateWindow `json:"estimated_delivery_date"`
	// Timezone is the IANA zone of the place where the event happened; the page shows the
	// event time in it. Empty means the tracking's (then the order's) zone.
	Timezone string `json:"timezone"`
	// Courier that reported the event (adapters set it; defaults to the tracking's courier).
	Courier string `json:"courier"`
}

// Time returns the event time; the zero time if the stored value is malformed.
func (c Checkpoint) Time() time.Time {
	t, _ := ParseTimestamp(c.EventTimestamp)
	return t
}
