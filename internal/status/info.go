package status

import (
	"math"
	"strings"
	"time"
)

// Access is the level of detail a caller has proved the right to see (DESIGN §5).
type Access string

// The access levels, from least to most.
const (
	AccessPublic  Access = "public"
	AccessShopper Access = "shopper"
	AccessFull    Access = "full"
)

// AtLeast reports whether a grants at least b.
func (a Access) AtLeast(b Access) bool { return accessRank[a] >= accessRank[b] }

var accessRank = map[Access]int{AccessPublic: 0, AccessShopper: 1, AccessFull: 2}

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
}

// ActionBox is what the shopper can do or expect next for a tracking.
type ActionBox struct {
	Type               string         `json:"type"`
	Label              string         `json:"label"`
	LabelCommunication string         `json:"label_communication"`
	LabelCaption       string         `json:"label_caption"`
	Address            string         `json:"address"`
	OpeningHours       []OpeningHours `json:"opening_hours"`
	Raw                *ActionRaw     `json:"raw"`
	// Additions: the pickup point's name and the link for live tracking.
	Name string `json:"name"`
	URL  string `json:"url"`
}

// ActionRaw carries machine-readable dates and times of an action box.
type ActionRaw struct {
	EarliestDate *string `json:"earliest_date"`
	LatestDate   *string `json:"latest_date"`
	HasTime      bool    `json:"has_time"`
	EarliestTime *string `json:"earliest_time"`
	LatestTime   *string `json:"latest_time"`
}

// ReportingInfo are derived flags and dates; each rule is documented on its field.
type ReportingInfo struct {
	// IsForgotten: not finished (delivered, returned, cancelled) and no visible event for
	// more than ForgottenAfter (counted from the order date when there is no event).
	IsForgotten bool `json:"is_forgotten"`
	// IsDelayed: same as the tracking's is_delayed: not yet arrived (delivered or ready for
	// collection) and past the end of the announced day, or held up by a delay or weather
	// exception.
	IsDelayed bool `json:"is_delayed"`
	// HasFailedAttempt: any visible FailedAttempt event.
	HasFailedAttempt bool `json:"has_failed_attempt"`
	// IsDelayedDispatch: the first hand-over to the courier (step ≥ 2) came, or is still
	// missing, more than DispatchWithin after the order date.
	IsDelayedDispatch bool `json:"is_delayed_dispatch"`
	// IsReturned: any visible event of the Returned lifecycle.
	IsReturned bool `json:"is_returned"`
	// IsCustomerPromiseExceeded: arrived (delivered or ready for collection) after the end of
	// the announced day (window end), or not arrived and that moment has passed.
	IsCustomerPromiseExceeded bool `json:"is_customer_promise_exceeded"`
	// TrendingLateProbability: see trendingLate.
	TrendingLateProbability float64 `json:"trending_late_probability"`
	// TrendingLateStatus: "normal" below 0.3, "at_risk" below 0.7, else "late".
	TrendingLateStatus string `json:"trending_late_status"`
	// ContactedWithMessages: messages sent to the shopper about this tracking. orderstatus
	// sends none itself, so the list is empty.
	ContactedWithMessages []string `json:"contacted_with_messages"`
	// ExceptionMessages: the details (or texts) of visible Exception events, newest first.
	ExceptionMessages []string `json:"exception_messages"`
	// InTransitDate: first visible event at step 3 (in transit) or later.
	InTransitDate *string `json:"in_transit_date"`
	// PickupDate: first visible event that made the parcel ready for collection
	// (PickupReady, Delivered-ParcelShop, Delivered-Locker).
	PickupDate *string `json:"pickup_date"`
	// CourierDropoffDate: first visible event at step 2 or later (handed to the courier).
	CourierDropoffDate *string `json:"courier_dropoff_date"`
	// DeliveryDate: first visible event of the Delivered lifecycle.
	DeliveryDate *string `json:"delivery_date"`
	// ReturnedDate: first visible event of the Returned lifecycle.
	ReturnedDate *string `json:"returned_date"`
}

// Reporting rule constants.
const (
	ForgottenAfter = 5 * 24 * time.Hour
	DispatchWithin = 2 * 24 * time.Hour
)

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
	shopper := opt.Access.AtLeast(AccessShopper)
	info := &Info{
		OrderNumber:            o.OrderNumber,
		ClientKey:              o.ClientKey,
		OrderDate:              strp(o.OrderDate),
		DestinationCountryISO3: o.DestinationCountryISO3,
		Access:                 opt.Access,
		Account:                o.Account,
		IsCancelled:            o.CancelledDate != "" || o.OrderStatus == "cancelled",
		CancelledDate:          strp(o.CancelledDate),
		Workflow:               o.Workflow,
		COD:                    [][]string{},
		Language:               opt.Lang,
		Trackings:              []InfoTracking{},
	}
	if info.Workflow == "" {
		info.Workflow = "STANDARD"
	}
	if shopper {
		email := o.RecipientEmail
		if email == UnsetEmail {
			email = ""
		}
		info.RecipientName, info.RecipientEmail = strp(o.RecipientName), strp(email)
		if o.COD != nil {
			info.COD = o.COD
		}
	}
	for i := range o.Trackings {
		t := &o.Trackings[i]
		if opt.OnlyTracking != "" && t.ID != opt.OnlyTracking {
			continue
		}
		info.Trackings = append(info.Trackings, buildTracking(o, t, info, opt))
	}
	return info
}

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

func buildTracking(o *Order, t *Tracking, info *Info, opt InfoOptions) InfoTracking {
	shopper := opt.Access.AtLeast(AccessShopper)
	full := opt.Access == AccessFull
	vis := visible(t.Checkpoints)
	tz := t.Timezone
	if tz == "" {
		tz = o.Timezone
	}
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
	if shopper {
		email := o.RecipientEmail
		if email == UnsetEmail {
			email = ""
		}
		it.RecipientName, it.RecipientEmail = strp(o.RecipientName), strp(email)
		it.RecipientPostalCode = strp(t.RecipientPostalCode)
		it.IdentifiersConsignment = strp(t.IdentifiersConsignment)
		it.ShippingAddress = t.ShippingAddress
		if t.Articles != nil {
			it.Articles = t.Articles
		}
		it.PODIdentifier, it.PODSignature = strp(t.PODIdentifier), strp(t.PODSignature)
	} else {
		it.PODDate = nil
	}
	if full && t.AdditionalAttributes != nil {
		it.AdditionalAttributes = t.AdditionalAttributes
	}
	if pl := t.PickupLocation; pl != nil {
		p := PickupLocation{Name: pl.Name, OpeningHours: pl.OpeningHours, HoldUntil: pl.HoldUntil}
		if shopper {
			p.Address = pl.Address
		}
		it.PickupLocation = &p
	}
	shown := vis
	if full {
		shown = t.Checkpoints
	}
	for _, c := range shown {
		code, _ := LookupCode(c.StatusCode)
		courier := c.Courier
		if courier == "" {
			courier = t.Courier
		}
		ctz := c.Timezone
		if ctz == "" {
			ctz = tz
		}
		it.Checkpoints = append(it.Checkpoints, InfoCheckpoint{
			Step: code.Step, Courier: courier, StatusCode: c.StatusCode, EventTimestamp: c.EventTimestamp,
			StatusText: statusText(opt, c.StatusCode), StatusDetails: c.StatusDetails, IsHidden: c.IsHidden,
			Location: c.Location, DeliveryLocationType: c.DeliveryLocationType, DeliveryExtraInfo: c.DeliveryExtraInfo,
			EstimatedDeliveryDate: c.EstimatedDeliveryDate, ExceptionType: code.ExceptionType, NextAction: code.NextAction,
			Timezone: ctz,
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
		if last.DeliveryLocationType != "" {
			it.DeliveryLocation = strp(last.DeliveryLocationType)
		}
	}
	it.LastDeliveryStatus = ds
	it.IsException = cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt
	it.ReportingInfo = reporting(o, t, vis, cur, it, opt.Now)
	it.IsDelayed = it.ReportingInfo.IsDelayed
	it.ActionBox = actionBox(o, t, vis, cur, it, opt)
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
	if o.CancelledDate != "" || o.OrderStatus == "cancelled" {
		c, _ := LookupCode("Cancelled")
		return c
	}
	c, _ := LookupCode("Pending")
	return c
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

// deadline is the end of the last announced delivery day in the tracking's zone.
func deadline(it InfoTracking) (time.Time, bool) {
	d := it.AnnouncedDeliveryMax
	if d == nil {
		d = it.AnnouncedDeliveryDate
	}
	if d == nil {
		return time.Time{}, false
	}
	loc := time.UTC
	if it.Timezone != "" {
		if l, err := Location(it.Timezone); err == nil {
			loc = l
		}
	}
	day, err := time.ParseInLocation(DateLayout, *d, loc)
	if err != nil {
		return time.Time{}, false
	}
	return day.AddDate(0, 0, 1), true
}

func reporting(o *Order, t *Tracking, vis []Checkpoint, cur Code, it InfoTracking, now time.Time) ReportingInfo {
	r := ReportingInfo{ContactedWithMessages: []string{}, ExceptionMessages: []string{}}
	// vis is newest first; walk oldest first so that "first" means earliest.
	for i := len(vis) - 1; i >= 0; i-- {
		c := vis[i]
		code, _ := LookupCode(c.StatusCode)
		ts := c.EventTimestamp
		if code.Step >= StepShipped && code.Lifecycle != Cancelled && r.CourierDropoffDate == nil {
			r.CourierDropoffDate = strp(ts)
		}
		if code.Step >= StepInTransit && code.Lifecycle != Cancelled && r.InTransitDate == nil {
			r.InTransitDate = strp(ts)
		}
		if (c.StatusCode == "PickupReady" || c.StatusCode == "Delivered-ParcelShop" || c.StatusCode == "Delivered-Locker") && r.PickupDate == nil {
			r.PickupDate = strp(ts)
		}
		if code.Lifecycle == Delivered && r.DeliveryDate == nil {
			r.DeliveryDate = strp(ts)
		}
		if code.Lifecycle == Returned {
			r.IsReturned = true
			if r.ReturnedDate == nil {
				r.ReturnedDate = strp(ts)
			}
		}
		if code.Lifecycle == FailedAttempt {
			r.HasFailedAttempt = true
		}
	}
	for _, c := range vis {
		if code, _ := LookupCode(c.StatusCode); code.Lifecycle == Exception {
			msg := c.StatusDetails
			if msg == "" {
				msg = code.Text
			}
			r.ExceptionMessages = append(r.ExceptionMessages, msg)
		}
	}
	finished := cur.Lifecycle == Delivered || cur.Lifecycle == Returned || cur.Lifecycle == Cancelled
	orderDate, hasOrderDate := parseTS(o.OrderDate)

	lastEvent := time.Time{}
	if len(vis) > 0 {
		lastEvent = vis[0].Time()
	} else if hasOrderDate {
		lastEvent = orderDate
	}
	r.IsForgotten = !finished && !lastEvent.IsZero() && now.Sub(lastEvent) > ForgottenAfter

	if hasOrderDate && cur.Lifecycle != Cancelled {
		if r.CourierDropoffDate != nil {
			d, _ := parseTS(*r.CourierDropoffDate)
			r.IsDelayedDispatch = d.Sub(orderDate) > DispatchWithin
		} else {
			r.IsDelayedDispatch = now.Sub(orderDate) > DispatchWithin
		}
	}

	// A parcel has arrived when it was delivered or became ready for collection; the promise
	// is kept or broken by that moment.
	arrived := r.DeliveryDate
	if r.PickupDate != nil && (arrived == nil || *r.PickupDate < *arrived) {
		arrived = r.PickupDate
	}
	end, hasDeadline := deadline(it)
	if hasDeadline {
		if arrived != nil {
			d, _ := parseTS(*arrived)
			r.IsCustomerPromiseExceeded = d.After(end)
		} else if !finished {
			r.IsCustomerPromiseExceeded = now.After(end)
		}
	}
	waiting := !finished && arrived == nil
	r.IsDelayed = waiting && ((hasDeadline && now.After(end)) || cur.Code == "Exception-Delayed" || cur.Code == "Exception-Weather")
	r.TrendingLateProbability = trendingLate(cur, !waiting, r.IsCustomerPromiseExceeded, hasDeadline, end, lastEvent, now)
	switch {
	case r.TrendingLateProbability < 0.3:
		r.TrendingLateStatus = "normal"
	case r.TrendingLateProbability < 0.7:
		r.TrendingLateStatus = "at_risk"
	default:
		r.TrendingLateStatus = "late"
	}
	return r
}

func parseTS(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := ParseTimestamp(s)
	return t, err == nil
}

// trendingLate is the model behind trending_late_probability. Trackings that have arrived
// (delivered or ready for collection) or ended are 1 when the promise was exceeded, else 0; trackings without an announced date are 0. Otherwise the time still
// needed is estimated from the current step (48 h before the courier has it, 24 h in transit,
// 8 h out for delivery or at a pickup point) and compared with the time left until the end of
// the announced day: p = 1 / (1 + e^(slack/6h)), so no slack gives 0.5 and half a day of slack
// about 0.12. Silence makes it worse: every full day without an event beyond the first adds
// 0.1. Past the deadline p is 1. The result is clamped to [0, 1] and rounded to two places.
func trendingLate(cur Code, finished, wasLate, hasDeadline bool, end, lastEvent, now time.Time) float64 {
	if finished {
		if wasLate {
			return 1
		}
		return 0
	}
	if !hasDeadline {
		return 0
	}
	if now.After(end) {
		return 1
	}
	need := 48 * time.Hour
	switch {
	case cur.Step >= StepLastMile:
		need = 8 * time.Hour
	case cur.Step == StepInTransit:
		need = 24 * time.Hour
	}
	slack := end.Sub(now) - need
	p := 1 / (1 + math.Exp(slack.Hours()/6))
	if !lastEvent.IsZero() {
		if silentDays := int(now.Sub(lastEvent).Hours() / 24); silentDays > 1 {
			p += 0.1 * float64(silentDays-1)
		}
	}
	p = math.Max(0, math.Min(1, p))
	return math.Round(p*100) / 100
}

func actionBox(o *Order, t *Tracking, vis []Checkpoint, cur Code, it InfoTracking, opt InfoOptions) *ActionBox {
	T := func(key string, vars ...string) string { return opt.T(opt.Lang, key, vars...) }
	shopper := opt.Access.AtLeast(AccessShopper)
	switch {
	case cur.Lifecycle == Cancelled:
		return &ActionBox{Type: "next-action", Label: T("next_action.contact-merchant"), LabelCaption: T("lifecycle.Cancelled"), OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == Returned || (it.IsReturn && cur.Lifecycle != Pending):
		return &ActionBox{Type: "returned", Label: T("return.status"), LabelCommunication: statusText(opt, cur.Code), OpeningHours: []OpeningHours{}}
	case cur.NextAction == "collect-parcel" && t.PickupLocation != nil:
		pl := t.PickupLocation
		b := &ActionBox{Type: "pickup-location", Label: T("pickup.heading"), LabelCommunication: T("next_action.collect-parcel"),
			Name: pl.Name, OpeningHours: pl.OpeningHours, Raw: &ActionRaw{}}
		if b.OpeningHours == nil {
			b.OpeningHours = []OpeningHours{}
		}
		if pl.HoldUntil != "" {
			b.Raw.LatestDate = strp(pl.HoldUntil)
			if d, err := time.Parse(DateLayout, pl.HoldUntil); err == nil {
				b.LabelCaption = T("promise.collect_by", "date", opt.FormatDate(opt.Lang, d))
			}
		}
		if len(vis) > 0 {
			b.Raw.EarliestDate = strp(vis[0].EventTimestamp[:10])
		}
		if shopper && pl.Address != nil {
			b.Address = FormatAddress(pl.Address)
		}
		return b
	case cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt:
		return &ActionBox{Type: "next-action", Label: T("next_action." + cur.NextAction), LabelCaption: statusText(opt, cur.Code),
			URL: t.CourierRerouteURL, OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == Delivered:
		return &ActionBox{Type: "vote-courier", Label: T("feedback.heading"), OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == OutForDelivery && t.CourierTrackingURL != "":
		b := &ActionBox{Type: "live-tracking", Label: T("live_tracking.link"), URL: t.CourierTrackingURL, OpeningHours: []OpeningHours{}}
		b.Raw = prediction(vis, it)
		return b
	case cur.Lifecycle == Pending || cur.Lifecycle == OrderProcessed:
		return &ActionBox{Type: "order-processed", Label: T("order_processed.text"), OpeningHours: []OpeningHours{}}
	}
	raw := prediction(vis, it)
	if raw == nil {
		return nil
	}
	b := &ActionBox{Type: "prediction", Raw: raw, OpeningHours: []OpeningHours{}}
	if d, err := time.Parse(DateLayout, deref(raw.EarliestDate)); err == nil {
		if raw.LatestDate != nil && *raw.LatestDate != *raw.EarliestDate {
			l, _ := time.Parse(DateLayout, *raw.LatestDate)
			b.Label = T("promise.expected_between", "start", opt.FormatDate(opt.Lang, d), "end", opt.FormatDate(opt.Lang, l))
		} else {
			b.Label = T("promise.expected_on", "date", opt.FormatDate(opt.Lang, d))
		}
	}
	return b
}

// prediction is the expected delivery window: the newest carrier estimate, else the announced
// date or window.
func prediction(vis []Checkpoint, it InfoTracking) *ActionRaw {
	for _, c := range vis {
		if w := c.EstimatedDeliveryDate; w != nil && w.StartDate != "" {
			r := &ActionRaw{EarliestDate: strp(w.StartDate), LatestDate: strp(firstNonEmpty(w.EndDate, w.StartDate))}
			if w.StartTime != "" {
				r.HasTime = true
				r.EarliestTime, r.LatestTime = strp(w.StartTime), strp(firstNonEmpty(w.EndTime, w.StartTime))
			}
			return r
		}
	}
	if it.AnnouncedDeliveryMin != nil {
		return &ActionRaw{EarliestDate: it.AnnouncedDeliveryMin, LatestDate: firstPtr(it.AnnouncedDeliveryMax, it.AnnouncedDeliveryMin)}
	}
	if it.AnnouncedDeliveryDate != nil {
		return &ActionRaw{EarliestDate: it.AnnouncedDeliveryDate, LatestDate: it.AnnouncedDeliveryDate}
	}
	return nil
}

func firstPtr(a, b *string) *string {
	if a != nil {
		return a
	}
	return b
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

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
