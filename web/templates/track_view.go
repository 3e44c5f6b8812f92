package templates

// TrackView is the shopper page of one order.
type TrackView struct {
	Page
	OrderNumber string
	OrderDate   string // the day the order was placed, in the page's language; "" when unknown
	ParcelCount string
	Access      string // public, shopper, full
	// Headline is the order's state ("1 of 3 delivered · 1 arriving today"); shown only for
	// several parcels, since one parcel's card says it.
	Headline string
	Tone     string
	// Banner is the one page-wide message; nil when there is none.
	Banner *Banner
	// Cancellation is shown for a cancelled order; nil otherwise.
	Cancellation *CancellationView
	// AddressLabel and AddressLines are the address every parcel shares, shown once.
	AddressLabel string
	AddressLines []string
	Parcels      []ParcelView
	// Overview is one line per parcel with a link to its card, for orders of several parcels.
	Overview []OverviewRow
	// ReturnsURL is the shop's returns page, set when the order has been delivered.
	ReturnsURL string
	COD        string         // "EUR 49.90" to pay on delivery, shopper level only
	Delivery   *DeliveryFacts // 003_… facts, shopper level only; nil when there are none
	// Unlock is the verification form shown at public level; nil otherwise.
	Unlock *UnlockForm
	// Lookup are the hidden fields that resubmit the page's lookup from its forms.
	Lookup []Hidden
	Notice string // e.g. live refresh fell back to stored data
}

// OverviewRow is one parcel in the overview of an order of several parcels.
type OverviewRow struct {
	Anchor  string // the id of the parcel's card
	Label   string // "Parcel 1 of 3"
	Status  string
	Promise string
	Courier string
	Tone    string
}

// Hidden is a hidden form field.
type Hidden struct{ Name, Value string }

// CancellationView says when and why an order was cancelled and what happens next.
type CancellationView struct {
	Text   string // "Cancelled on Tue 13 Jan"
	Reason string // "Reason: inventory"
	Next   *NextView
}

// NextView is what happens next and whom to contact.
type NextView struct {
	Heading   string
	Text      string
	NoteLabel string
	Note      string // the shop's note
	// Contact, when set, names whom to contact and how.
	Contact *ContactView
	// LinkURL does the next step (reroute, live tracking); LinkText says what it does.
	LinkURL  string
	LinkText string
}

// ContactView is a courier's or shop's contact.
type ContactView struct {
	Heading string // "Contact Northwind Outfitters"
	Email   string
	Phone   string
	URL     string
	URLText string
	Kind    string // courier or shop
}

// Banner is a page-wide message: delayed, exception, return, cancelled.
type Banner struct {
	Kind string // warning, danger, info, success
	Text string
}

// ParcelView is one tracking on the page.
type ParcelView struct {
	ID             string
	Anchor         string // the id of the parcel's card, which the overview links to
	Label          string // "Parcel 1 of 3"
	Status         string
	Promise        string
	Details        string
	Icon           string
	Tone           string
	Steps          []StepView
	Next           *NextView
	Action         *ActionView
	Events         []EventView // the newest three
	MoreEvents     []EventView // the rest, behind <details>
	MoreLabel      string
	Courier        string
	TrackingNumber string
	TrackingURL    string
	RerouteURL     string
	AddressLabel   string // "Delivery address", or "Sent from" for a return
	AddressLines   []string
	Articles       []ArticleView
	PODDate        string
	PODSignature   string
}

// StepView is one step of the progress bar.
type StepView struct {
	Label string
	State string // done, current, problem, todo
	// Current marks the step the parcel stands at (aria-current); a complete journey's last
	// step is current and done.
	Current bool
	// StateText says the state in words for screen readers and colour-blind readers.
	StateText string
}

// ActionView is the pickup point of a parcel or its delivery feedback form.
type ActionView struct {
	Type     string
	Title    string
	Text     string
	Caption  string
	Name     string
	Address  string
	URL      string
	LinkText string
	OpenNow  string
	Hours    []HoursRow
	// Vote shows the delivery feedback form; Voted shows the thanks that answers it instead.
	Vote  bool
	Voted bool
}

// HoursRow is one weekday of a pickup point's opening hours.
type HoursRow struct {
	Day   string
	Text  string
	Today bool
}

// EventView is one checkpoint in the timeline.
type EventView struct {
	When     string // localised date and time in the event's zone, with the zone's abbreviation
	Datetime string // machine-readable RFC 3339
	What     string
	Where    string
	Detail   string
	Hidden   bool
}

// ArticleView is one article of a parcel.
type ArticleView struct {
	Name  string
	Image string
	Meta  string // size, colour
	Qty   string
}

// UnlockForm is the email-or-postal-code verification form.
type UnlockForm struct {
	Lookup []Hidden
	Error  string
	// Lang is kept so the answer comes back in the same language.
	Lang string
}

// SearchView is the start page: order number plus email or postal code.
type SearchView struct {
	Page
	OrderNumber string
	Error       string
}

// ChooseView lists several orders a verified shopper may open.
type ChooseView struct {
	Page
	Orders []ChoiceRow
}

// ChoiceRow is one order in a ChooseView.
type ChoiceRow struct {
	URL, OrderNumber, Date, Status string
}

// ErrorView is a friendly error page.
type ErrorView struct {
	Page
	Heading string
	Message string
	// Unlock offers verification instead (expired links).
	Unlock *UnlockForm
}
