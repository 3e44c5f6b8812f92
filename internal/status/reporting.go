package status

import (
	"math"
	"time"
)

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

// deadline is the end of the last announced delivery day in the tracking's zone.
func deadline(it InfoTracking) (time.Time, bool) {
	d := it.AnnouncedDeliveryMax
	if d == nil {
		d = it.AnnouncedDeliveryDate
	}
	if d == nil {
		return time.Time{}, false
	}
	day, err := time.ParseInLocation(DateLayout, *d, Zone(it.Timezone))
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
