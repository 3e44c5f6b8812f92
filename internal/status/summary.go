package status

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Summary is the one derivation of what every surface says about an order (DESIGN §9): the
// info document, the shopper page, the widget and its alt text, the email snippet, the
// support console and the callback body all map it and decide nothing of their own.
type Summary struct {
	OrderNumber string
	// Headline is the order's state in words: the parcel's own for one parcel; for several,
	// the count by state and the next thing that will happen ("1 of 3 delivered · 1
	// arriving today").
	Headline Words
	// Tone is the colour family: normal, warning, danger, success or muted.
	Tone string
	// State is the order's lifecycle: the most urgent parcel's, or Cancelled.
	State     Lifecycle
	Cancelled bool
	// Couriers names every carrier of the order once it has shipped; empty before, and for a
	// cancelled order.
	Couriers []string
	// Promise is the order's promise: the parcel's own for one parcel; none for several (the
	// headline says what is next).
	Promise Promise
	// Banner is the one page-wide message, the most urgent; nil when there is none.
	Banner *Banner
	// Cancellation says when and why a cancelled order was cancelled and what happens next.
	Cancellation *Cancellation
	Parcels      []ParcelSummary
	// SharedAddress: every parcel goes to (or, for returns, comes from) the same address,
	// which surfaces then show once for the order.
	SharedAddress bool
	// Lead is the index in Parcels of the parcel the order's state is about: the first with
	// a problem, else the least advanced; 0 without parcels.
	Lead int
	// Alt is the order in one sentence with absolute dates, for alt texts and anything sent:
	// "Order A-1001: Delivered on Mon 12 Jan".
	Alt string
}

// Banner is a page-wide message.
type Banner struct {
	Kind string // danger, warning or info
	Key  string // message key, e.g. "banner.exception"
	Text string
}

// Cancellation is what a shopper is told about a cancelled order.
type Cancellation struct {
	Date   string // the day it was cancelled (2006-01-02), "" when unknown
	Text   string // "Cancelled on Tue 13 Jan"
	Reason string // the shop's reason; shopper level and above
	Next   *NextStep
}

// ParcelSummary is what every surface says about one parcel.
type ParcelSummary struct {
	TrackingID string
	// Code is the parcel's current status code (its latest visible event).
	Code Code
	// Title is the parcel's state in words, e.g. "Out for delivery" or "Ready to collect".
	Title   string
	Tone    string
	Icon    string
	Journey Journey
	Steps   []Step
	// Current is the 1-based index of the step the parcel stands at; 0 without steps.
	Current  int
	Problem  bool // an exception or failed attempt holds the parcel at Current
	Complete bool // the journey is finished (delivered, collected, refunded)
	Promise  Promise
	Next     *NextStep
	Courier  string // the courier's name (courier_name, else the courier code)
	// Where is the pickup point's name while the parcel waits there; "" otherwise.
	Where string
	// Pickup is the pickup point while the parcel waits there (or is headed there); nil
	// otherwise.
	Pickup *Pickup
	// ShopperReturn: the parcel is a return the shopper sends (the address on it is the
	// shopper's own), not a delivery going back.
	ShopperReturn bool
}

// SummaryOptions control a summary.
type SummaryOptions struct {
	Access Access
	Lang   string
	Now    time.Time
	T      Translator
	// FormatDate renders a date in the summary's language.
	FormatDate func(lang string, t time.Time) string
	// Shop is the account's support contact, named in next steps that send the shopper to
	// the shop; nil leaves it out.
	Shop *Contact
	// OnlyTracking, when set, summarises only that tracking.
	OnlyTracking string
}

// Summarize derives the summary of an order.
func Summarize(o *Order, opt SummaryOptions) *Summary {
	if opt.T == nil {
		opt.T = func(lang, key string, vars ...string) string { return key }
	}
	if opt.FormatDate == nil {
		opt.FormatDate = func(_ string, t time.Time) string { return t.Format(DateLayout) }
	}
	tr := func(key string, vars ...string) string { return opt.T(opt.Lang, key, vars...) }
	p := phraser{tr: tr, date: func(t time.Time) string { return opt.FormatDate(opt.Lang, t) }, now: opt.Now}
	shopper := opt.Access.AtLeast(AccessShopper)
	s := &Summary{OrderNumber: o.OrderNumber, Cancelled: o.Cancelled(), Promise: Promise{Kind: PromiseNone, Source: SourceNone}}
	for i := range o.Trackings {
		t := &o.Trackings[i]
		if opt.OnlyTracking != "" && t.ID != opt.OnlyTracking {
			continue
		}
		s.Parcels = append(s.Parcels, parcelSummary(o, t, s.Cancelled, opt, p, shopper))
	}
	if s.Cancelled {
		s.Cancellation = cancellation(o, opt, p, shopper)
	}
	s.SharedAddress = len(s.Parcels) > 1
	for i := 1; s.SharedAddress && i < len(s.Parcels); i++ {
		a, b := o.Tracking(s.Parcels[0].TrackingID), o.Tracking(s.Parcels[i].TrackingID)
		s.SharedAddress = slices.Equal(AddressLines(a.ShippingAddress), AddressLines(b.ShippingAddress)) &&
			s.Parcels[i].ShopperReturn == s.Parcels[0].ShopperReturn
	}
	s.headline(o, tr, p)
	s.banner(tr)
	if !s.Cancelled {
		seen := map[string]bool{}
		shipped := false
		for _, ps := range s.Parcels {
			shipped = shipped || ps.Code.Step >= StepShipped
			if ps.Courier != "" && !seen[ps.Courier] {
				seen[ps.Courier] = true
				s.Couriers = append(s.Couriers, ps.Courier)
			}
		}
		if !shipped {
			s.Couriers = nil
		}
	}
	s.Alt = tr("widget.order", "number", o.OrderNumber) + ": " + s.Headline.Text
	if s.Promise.Text != "" {
		s.Alt += ", " + s.Promise.Text
	}
	return s
}

func parcelSummary(o *Order, t *Tracking, cancelled bool, opt SummaryOptions, p phraser, shopper bool) ParcelSummary {
	vis := visible(t.Checkpoints)
	cur := CurrentCode(o, t)
	j, keys, step, problem, complete := journeyOf(o, t, vis, cur, cancelled)
	ps := ParcelSummary{TrackingID: t.ID, Code: cur, Icon: cur.Icon, Journey: j, Current: step, Problem: problem, Complete: complete,
		Courier: t.CourierLabel(), Tone: toneOf(cur.Lifecycle)}
	ps.Steps = steps(keys, step, problem, complete, p.tr)
	ps.Title = statusText(InfoOptions{Lang: opt.Lang, T: opt.T}, cur.Code)
	switch {
	case j == JourneyCancelled:
		ps.Title, ps.Icon, ps.Tone, ps.Current = p.tr("status.Cancelled"), "cancel", "muted", 0
	case j == JourneyPickup && (cur.Code == "Delivered-ParcelShop" || cur.Code == "Delivered-Locker"):
		ps.Title, ps.Tone = p.tr("pickup_step.ready"), "normal"
	case j == JourneyReturn && !complete && cur.Lifecycle != Returned:
		ps.Tone = "normal"
	case j == JourneyReturn && complete:
		ps.Tone = "success"
	}
	ps.Promise = promiseOf(o, t, vis, cur, j, complete, p)
	if ps.Promise.Kind == PromiseLate && ps.Tone == "normal" {
		ps.Tone = "warning"
	}
	if ps.Promise.Kind == PromiseDelivered {
		// "Delivered to a neighbour" and "Delivered on Mon 12 Jan" say one fact: say it once,
		// "Delivered to a neighbour on Mon 12 Jan".
		if cur.Code != "Delivered" {
			d, _ := time.Parse(DateLayout, ps.Promise.Start)
			ps.Promise.Text = p.tr("promise.status_on", "status", ps.Title, "date", p.date(d))
		}
		ps.Title, ps.Promise.Words = ps.Promise.Text, Words{}
	}
	if j == JourneyPickup && t.PickupLocation != nil {
		ps.Pickup = pickupOf(t.PickupLocation, opt.Now.In(Zone(t.Timezone, o.Timezone)), p.tr)
		if isPickupCode(cur.Code) {
			ps.Where = t.PickupLocation.Name
		}
	}
	ps.ShopperReturn = j == JourneyReturn && (t.IsReturn || o.Workflow == "RETURN")
	ps.Next = nextStepOf(o, t, cur, j, opt.Shop, shopper, p.tr)
	return ps
}

// Returnable reports whether the shop's returns link is offered: at least one parcel of the
// order has reached the shopper (delivered or collected), and it is not itself a return.
func (s *Summary) Returnable() bool {
	for _, p := range s.Parcels {
		if p.Promise.Kind == PromiseDelivered && p.Journey != JourneyReturn && p.Journey != JourneyCancelled {
			return true
		}
	}
	return false
}

// toneOf maps a lifecycle to a colour family.
func toneOf(l Lifecycle) string {
	switch l {
	case Exception, Returned:
		return "danger"
	case FailedAttempt:
		return "warning"
	case Delivered:
		return "success"
	case Cancelled:
		return "muted"
	}
	return "normal"
}

func cancellation(o *Order, opt SummaryOptions, p phraser, shopper bool) *Cancellation {
	c := &Cancellation{Text: p.tr("status.Cancelled")}
	if ts, err := ParseTimestamp(o.CancelledDate); err == nil {
		d := ts.In(Zone(o.Timezone))
		c.Date = d.Format(DateLayout)
		c.Text = p.tr("cancel.on", "date", p.date(d))
	}
	c.Next = &NextStep{Key: "next.cancelled", Text: p.tr("next.cancelled"), Contact: opt.Shop}
	if shopper {
		c.Reason = o.CancellationReason
		c.Next.Note = o.Notes
	}
	return c
}

// rank orders parcels by urgency for the order's state: problems first, then the least
// advanced.
func rank(ps ParcelSummary) int {
	switch {
	case ps.Problem || ps.Code.Lifecycle == Exception || ps.Code.Lifecycle == FailedAttempt:
		return -1
	case ps.Complete, ps.Journey == JourneyCancelled:
		return 10
	}
	return ps.Current
}

func (s *Summary) headline(o *Order, tr func(string, ...string) string, p phraser) {
	switch {
	case s.Cancelled:
		s.State, s.Tone = Cancelled, "muted"
		s.Headline = same(tr("status.Cancelled"))
		return
	case len(s.Parcels) == 0:
		s.State, s.Tone = Pending, "normal"
		s.Headline = same(tr("status.Pending"))
		return
	}
	for i, ps := range s.Parcels {
		if rank(ps) < rank(s.Parcels[s.Lead]) {
			s.Lead = i
		}
	}
	lead := s.Parcels[s.Lead]
	s.State = lead.Code.Lifecycle
	if len(s.Parcels) == 1 {
		s.Headline = Words{lead.Title, lead.Title}
		s.Tone, s.Promise = lead.Tone, lead.Promise
		return
	}
	var delivered, arriving, ready, problem, late, returning int
	var next *Promise
	arrivingOn := "" // the day the first parcel out for delivery is expected
	for i := range s.Parcels {
		ps := &s.Parcels[i]
		switch {
		case ps.Journey == JourneyReturn:
			returning++
		case ps.Complete:
			delivered++
		case ps.Problem:
			problem++
		case ps.Code.Lifecycle == OutForDelivery && ps.Promise.Kind != PromiseLate:
			arriving++
			if ps.Promise.Kind == PromiseExpected && (arrivingOn == "" || ps.Promise.Start < arrivingOn) {
				arrivingOn = ps.Promise.Start
			}
		case ps.Journey == JourneyPickup && isPickupCode(ps.Code.Code):
			ready++
		case ps.Promise.Kind == PromiseLate:
			late++
		case ps.Promise.Kind == PromiseExpected && (next == nil || ps.Promise.Start < next.Start):
			next = &ps.Promise
		}
	}
	n := len(s.Parcels)
	count := func(k int) string { return strconv.Itoa(k) }
	first := same(tr("headline.delivered", "done", count(delivered), "total", count(n)))
	if delivered == n {
		first = same(tr("headline.all_delivered", "total", count(n)))
	}
	var then Words
	switch {
	case problem > 0:
		then = same(tr("headline.problem", "n", count(problem)))
	case arriving > 0:
		// Out for delivery means the day of the round: the carrier's window, else today.
		loc := Zone(o.Timezone)
		day := p.now.In(loc)
		if d, err := time.ParseInLocation(DateLayout, arrivingOn, loc); err == nil {
			day = d
		}
		then = p.day(day, loc, "headline.arriving_on", "headline.arriving_today", "", "n", count(arriving))
	case ready > 0:
		then = same(tr("headline.ready", "n", count(ready)))
	case late > 0:
		then = same(tr("headline.late", "n", count(late)))
	case returning > 0 && delivered+returning == n:
		then = same(tr("headline.returning", "n", count(returning)))
	case next != nil:
		then = Words{tr("headline.next", "promise", lowerFirst(next.Text)), tr("headline.next", "promise", lowerFirst(next.Today))}
	}
	s.Headline = first
	if then.Text != "" {
		s.Headline = Words{first.Text + " · " + then.Text, first.Today + " · " + then.Today}
	}
	switch {
	case problem > 0:
		s.Tone = lead.Tone
	case late > 0:
		s.Tone = "warning"
	case delivered == n:
		s.Tone = "success"
	default:
		s.Tone = "normal"
	}
}

// lowerFirst lower-cases the first letter, so that a promise reads inside a sentence.
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// banner picks the one page-wide message: cancelled, then a delivery problem, then a
// parcel going back, then a delay.
func (s *Summary) banner(tr func(string, ...string) string) {
	var exception, returned, late bool
	for _, ps := range s.Parcels {
		exception = exception || ps.Code.Lifecycle == Exception
		returned = returned || ps.Journey == JourneyReturn && ps.Code.Code != "ReturnDelivered" && ps.Code.Code != "ReturnRefunded"
		late = late || ps.Promise.Kind == PromiseLate || ps.Code.Code == "Exception-Delayed" || ps.Code.Code == "Exception-Weather"
	}
	set := func(kind, key string) { s.Banner = &Banner{Kind: kind, Key: key, Text: tr(key)} }
	switch {
	case s.Cancelled:
		set("danger", "banner.cancelled")
	case exception:
		set("danger", "banner.exception")
	case returned:
		set("info", "banner.return")
	case late:
		set("warning", "banner.delayed")
	}
}
