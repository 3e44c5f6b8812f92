package status

import "time"

// Info is the order info document of GET /v4/track/orders/info/ (reference 002), redacted to
// the caller's access level. Redacted fields are null or empty, never missing.
type Info struct {
	OrderNumber            string         `json:"order_number"`
	ClientKey              string         `json:"client_key"`
	OrderDate              *string        `json:"order_date"`
	RecipientName          *string        `json:"recipient_name"`
	RecipientEmail         *string        `json:"recipient_email"`
	DestinationCountryISO3 string         `json:"destination_country_iso3"`
	Trackings              []InfoTracking `json:"trackings"`
	Access                 Access         `json:"access"`
	// Additions to the reference document.
	Account       int64      `json:"account"`
	IsCancelled   bool       `json:"is_cancelled"`
	CancelledDate *string    `json:"cancelled_date"`
	Workflow      string     `json:"workflow"`
	COD           [][]string `json:"cod"`
	Language      string     `json:"language"`
	// Summary is what every surface says about the order (DESIGN §9), with absolute dates.
	Summary SummaryDocument `json:"summary"`
	// Fields of 003_…: delivery_state (derived) and number_of_packages at every level; the
	// rest from shopper level on: the payment state, the shop's notes for the customer, the
	// customer location with its directions and a maps link, and tracking_link, the signed
	// shopper link this service issues (a public caller must not get the signature).
	DeliveryState    string            `json:"delivery_state"`
	NumberOfPackages int               `json:"number_of_packages"`
	PaymentState     *string           `json:"payment_state"`
	Notes            *string           `json:"notes"`
	CustomerLocation *CustomerLocation `json:"customer_location"`
	MapsLink         *string           `json:"maps_link"`
	TrackingLink     *string           `json:"tracking_link"`

	sum *Summary
}

// CourierInfo names the carriers of a tracking.
type CourierInfo struct {
	Courier             string `json:"courier"`
	CourierName         string `json:"courier_name"`
	CourierTrackingURL  string `json:"courier_tracking_url"`
	CourierRerouteURL   string `json:"courier_reroute_url"`
	LastMileCourier     string `json:"last_mile_courier"`
	LastMileCourierName string `json:"last_mile_courier_name"`
}

// DeliveryStatus is the derived current state of a tracking.
type DeliveryStatus struct {
	Step              int       `json:"step"`
	StatusCode        string    `json:"status_code"`
	StatusText        string    `json:"status_text"`
	StatusDetails     string    `json:"status_details"`
	LifecycleStatus   Lifecycle `json:"lifecycle_status"`
	DeliveryExtraInfo string    `json:"delivery_extra_info"`
	ExceptionType     string    `json:"exception_type"`
	EventTimestamp    *string   `json:"event_timestamp"`
	NextAction        string    `json:"next_action"`
	IconHint          string    `json:"icon_hint"`
	// Addition: the carrier's own wording of the event, beside the catalog's status_text
	// (empty below shopper level: it is a carrier's free text).
	CourierStatusText string `json:"courier_status_text"`
}

// InfoCheckpoint is one event in the info document.
type InfoCheckpoint struct {
	Step                  int         `json:"step"`
	Courier               string      `json:"courier"`
	StatusCode            string      `json:"status_code"`
	EventTimestamp        string      `json:"event_timestamp"`
	StatusText            string      `json:"status_text"`
	StatusDetails         string      `json:"status_details"`
	IsHidden              bool        `json:"is_hidden"`
	Location              string      `json:"location"`
	DeliveryLocationType  string      `json:"delivery_location_type"`
	DeliveryExtraInfo     string      `json:"delivery_extra_info"`
	EstimatedDeliveryDate *DateWindow `json:"estimated_delivery_date"`
	ExceptionType         string      `json:"exception_type"`
	NextAction            string      `json:"next_action"`
	// Addition: the IANA zone the event time is shown in.
	Timezone string `json:"timezone"`
	// Addition: the carrier's own status text (see DeliveryStatus.CourierStatusText).
	CourierStatusText string `json:"courier_status_text"`
}

// InfoTracking is one parcel in the info document.
type InfoTracking struct {
	TrackingID             string           `json:"tracking_id"`
	TrackingNumber         string           `json:"tracking_number"`
	CourierInfo            CourierInfo      `json:"courier_info"`
	LastDeliveryStatus     DeliveryStatus   `json:"last_delivery_status"`
	DeliveryLocation       *string          `json:"delivery_location"`
	IsDelayed              bool             `json:"is_delayed"`
	IsException            bool             `json:"is_exception"`
	IsReturn               bool             `json:"is_return"`
	ActionBox              *ActionBox       `json:"action_box"`
	RecipientName          *string          `json:"recipient_name"`
	RecipientEmail         *string          `json:"recipient_email"`
	DestinationCountryISO3 string           `json:"destination_country_iso3"`
	RecipientPostalCode    *string          `json:"recipient_postal_code"`
	IdentifiersConsignment *string          `json:"identifiers_consignment"`
	ShippingAddress        *Address         `json:"shipping_address"`
	Articles               []Article        `json:"articles"`
	AdditionalAttributes   map[string]any   `json:"additional_attributes"`
	AnnouncedDeliveryDate  *string          `json:"announced_delivery_date"`
	AnnouncedDeliveryMin   *string          `json:"announced_delivery_date_min"`
	AnnouncedDeliveryMax   *string          `json:"announced_delivery_date_max"`
	PODIdentifier          *string          `json:"pod_identifier"`
	PODSignature           *string          `json:"pod_signature"`
	PODDate                *string          `json:"pod_date"`
	Timezone               string           `json:"timezone"`
	ReportingInfo          ReportingInfo    `json:"reporting_info"`
	SupportsLiveRefresh    bool             `json:"supports_live_refresh"`
	Checkpoints            []InfoCheckpoint `json:"checkpoints"`
	// Addition: the pickup point, its address redacted below shopper level.
	PickupLocation *PickupLocation `json:"pickup_location"`
	// Addition: the 003_… delivery_state of this parcel.
	DeliveryState string `json:"delivery_state"`
}

// Translator returns the localised message for key (see internal/i18n.T).
type Translator func(lang, key string, vars ...string) string

// InfoOptions control how an order becomes an info document.
type InfoOptions struct {
	Access Access
	Lang   string
	Now    time.Time
	// OnlyTracking, when set, keeps only that tracking (single_tracking=true).
	OnlyTracking string
	T            Translator
	// LiveRefresh reports whether a courier has a carrier adapter configured.
	LiveRefresh func(courier string) bool
	// FormatDate renders a date for labels in the document's language.
	FormatDate func(lang string, t time.Time) string
	// Shop is the account's support contact for next steps; nil leaves it out.
	Shop *Contact
	// TrackingLink is the signed shopper link of the order (auth.TrackingLink), shown from
	// shopper level on.
	TrackingLink string
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// BuildInfo derives the info document of an order for one caller.
func BuildInfo(o *Order, opt InfoOptions) *Info {
	if opt.T == nil {
		opt.T = func(lang, key string, vars ...string) string { return key }
	}
	if opt.FormatDate == nil {
		opt.FormatDate = func(_ string, t time.Time) string { return t.Format(DateLayout) }
	}
	sum := Summarize(o, SummaryOptions{Access: opt.Access, Lang: opt.Lang, Now: opt.Now, T: opt.T, FormatDate: opt.FormatDate,
		Shop: opt.Shop, OnlyTracking: opt.OnlyTracking})
	info := &Info{
		sum:                    sum,
		Summary:                sum.Document(),
		OrderNumber:            o.OrderNumber,
		ClientKey:              o.ClientKey,
		OrderDate:              strp(o.OrderDate),
		DestinationCountryISO3: o.DestinationCountryISO3,
		Access:                 opt.Access,
		Account:                o.Account,
		IsCancelled:            sum.Cancelled,
		CancelledDate:          strp(o.CancelledDate),
		Workflow:               o.Workflow,
		COD:                    [][]string{},
		Language:               opt.Lang,
		Trackings:              []InfoTracking{},
		DeliveryState:          DeliveryState(sum.State),
		NumberOfPackages:       o.NumberOfPackages,
	}
	if info.Workflow == "" {
		info.Workflow = "STANDARD"
	}
	redactInfo(info, o, opt)
	for i := range o.Trackings {
		t := &o.Trackings[i]
		if opt.OnlyTracking != "" && t.ID != opt.OnlyTracking {
			continue
		}
		info.Trackings = append(info.Trackings, buildTracking(o, t, &sum.Parcels[len(info.Trackings)], opt))
	}
	return info
}

// Story is the summary the document was derived from, with the relative wording ("today")
// that the document itself never carries; surfaces that render for a reader map it.
func (i *Info) Story() *Summary { return i.sum }

// visible returns the checkpoints a shopper may see, newest first.
func visible(cps []Checkpoint) []Checkpoint {
	out := make([]Checkpoint, 0, len(cps))
	for _, c := range cps {
		if !c.IsHidden {
			out = append(out, c)
		}
	}
	return out
}

func buildTracking(o *Order, t *Tracking, ps *ParcelSummary, opt InfoOptions) InfoTracking {
	vis := visible(t.Checkpoints)
	tz := zoneName(t.Timezone, o.Timezone)
	it := InfoTracking{
		TrackingID:     t.ID,
		TrackingNumber: t.TrackingNumber,
		CourierInfo: CourierInfo{t.Courier, t.CourierName, t.CourierTrackingURL, t.CourierRerouteURL,
			t.LastMileCourier, t.LastMileCourierName},
		IsReturn:               t.IsReturn || o.Workflow == "RETURN",
		DestinationCountryISO3: o.DestinationCountryISO3,
		Articles:               []Article{},
		AdditionalAttributes:   map[string]any{},
		AnnouncedDeliveryDate:  strp(firstNonEmpty(t.AnnouncedDeliveryDate, o.AnnouncedDeliveryDate)),
		AnnouncedDeliveryMin:   strp(firstNonEmpty(t.AnnouncedDeliveryDateMin, o.AnnouncedDeliveryDateMin)),
		AnnouncedDeliveryMax:   strp(firstNonEmpty(t.AnnouncedDeliveryDateMax, o.AnnouncedDeliveryDateMax)),
		Timezone:               tz,
		Checkpoints:            []InfoCheckpoint{},
		PODDate:                strp(t.PODDate),
	}
	if opt.LiveRefresh != nil {
		it.SupportsLiveRefresh = opt.LiveRefresh(t.Courier)
	}
	redactTracking(&it, o, t, opt.Access)
	shown := shownCheckpoints(t, vis, opt.Access)
	for _, c := range shown {
		code, _ := LookupCode(c.StatusCode)
		courier := firstNonEmpty(c.Courier, t.Courier)
		ctz := zoneName(c.Timezone, tz)
		it.Checkpoints = append(it.Checkpoints, InfoCheckpoint{
			Step: code.Step, Courier: courier, StatusCode: c.StatusCode, EventTimestamp: c.EventTimestamp,
			StatusText: statusText(opt, c.StatusCode), StatusDetails: c.StatusDetails, IsHidden: c.IsHidden,
			Location: c.Location, DeliveryLocationType: c.DeliveryLocationType, DeliveryExtraInfo: c.DeliveryExtraInfo,
			EstimatedDeliveryDate: c.EstimatedDeliveryDate, ExceptionType: code.ExceptionType, NextAction: code.NextAction,
			Timezone: ctz, CourierStatusText: courierText(c, opt.Access),
		})
	}

	var last *Checkpoint
	if len(vis) > 0 {
		last = &vis[0]
	}
	cur := CurrentCode(o, t)
	ds := DeliveryStatus{Step: cur.Step, StatusCode: cur.Code, StatusText: statusText(opt, cur.Code),
		LifecycleStatus: cur.Lifecycle, ExceptionType: cur.ExceptionType, NextAction: cur.NextAction, IconHint: cur.Icon}
	if last != nil {
		ds.StatusDetails = last.StatusDetails
		ds.DeliveryExtraInfo = last.DeliveryExtraInfo
		ds.EventTimestamp = strp(last.EventTimestamp)
		ds.CourierStatusText = courierText(*last, opt.Access)
	}
	it.DeliveryLocation = strp(DeliveryPlace(vis))
	it.DeliveryState = DeliveryState(cur.Lifecycle)
	it.LastDeliveryStatus = ds
	it.IsException = cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt
	it.ReportingInfo = reporting(o, t, vis, cur, it, opt.Now)
	it.IsDelayed = it.ReportingInfo.IsDelayed
	it.ActionBox = actionBox(o, t, vis, cur, it, ps, opt)
	return it
}

// CurrentCode is a tracking's current state: its latest visible event; Pending without
// events, Cancelled when the order was cancelled before any event.
func CurrentCode(o *Order, t *Tracking) Code {
	for _, c := range t.Checkpoints {
		if !c.IsHidden {
			if code, ok := LookupCode(c.StatusCode); ok {
				return code
			}
		}
	}
	if o.Cancelled() {
		c, _ := LookupCode("Cancelled")
		return c
	}
	c, _ := LookupCode("Pending")
	return c
}

// courierText is a checkpoint's carrier-written status text, shown from shopper level on.
func courierText(c Checkpoint, a Access) string {
	if !a.AtLeast(AccessShopper) {
		return ""
	}
	return c.StatusText
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func statusText(opt InfoOptions, code string) string {
	txt := opt.T(opt.Lang, "status."+code)
	if txt == "status."+code {
		if c, ok := LookupCode(code); ok {
			return c.Text
		}
	}
	return txt
}
