package status

import "time"

// PromiseKind says what a parcel's promise is about.
type PromiseKind string

// The promise kinds.
const (
	PromiseNone PromiseKind = "none"
	// PromiseExpected: a delivery window that has not passed yet.
	PromiseExpected PromiseKind = "expected"
	// PromiseLate: the window has passed and the parcel has not arrived. Never "expected".
	PromiseLate PromiseKind = "late"
	// PromiseDelivered: when the parcel was delivered.
	PromiseDelivered PromiseKind = "delivered"
	// PromiseCollectBy: the last day to collect a parcel waiting at a pickup point.
	PromiseCollectBy PromiseKind = "collect_by"
	// PromiseCollectPassed: that day has passed.
	PromiseCollectPassed PromiseKind = "collect_passed"
)

// Where a promise came from.
const (
	SourceCarrier = "carrier" // the newest carrier estimate (estimated_delivery_date)
	SourceShop    = "shop"    // the announced delivery date or window
	SourceNone    = "none"
)

// Words is one statement in two forms. Text names dates ("Expected Thu 15 Jan") and is
// what alt texts, info documents, callbacks and anything else stored or sent carry. Today
// may say "today" or "tomorrow" instead, for a reader whose date is known (the page, the
// widget when it is drawn); it equals Text when no relative word applies.
type Words struct {
	Text  string
	Today string
}

func same(s string) Words { return Words{s, s} }

// Promise is what a parcel's shopper is promised, when, and on whose word.
type Promise struct {
	Kind   PromiseKind
	Source string // carrier, shop or none
	// Start and End are dates (2006-01-02) in the tracking's zone; End equals Start for a
	// single day. StartTime and EndTime ("15:04:05") narrow a carrier window.
	Start, End         string
	StartTime, EndTime string
	Words
}

// window is a delivery window: carrier estimate first, else the announced dates.
type window struct {
	source                   string
	start, end, tStart, tEnd string
}

// promiseWindow is the newest carrier estimate, else the tracking's (then the order's)
// announced date or window.
func promiseWindow(o *Order, t *Tracking, vis []Checkpoint) (window, bool) {
	for _, c := range vis {
		if w := c.EstimatedDeliveryDate; w != nil && w.StartDate != "" {
			out := window{source: SourceCarrier, start: w.StartDate, end: firstNonEmpty(w.EndDate, w.StartDate)}
			if w.StartTime != "" {
				out.tStart, out.tEnd = w.StartTime, firstNonEmpty(w.EndTime, w.StartTime)
			}
			return out, true
		}
	}
	lo := firstNonEmpty(t.AnnouncedDeliveryDateMin, o.AnnouncedDeliveryDateMin)
	hi := firstNonEmpty(t.AnnouncedDeliveryDateMax, o.AnnouncedDeliveryDateMax)
	day := firstNonEmpty(t.AnnouncedDeliveryDate, o.AnnouncedDeliveryDate)
	switch {
	case lo != "":
		return window{source: SourceShop, start: lo, end: firstNonEmpty(hi, lo)}, true
	case day != "":
		return window{source: SourceShop, start: day, end: day}, true
	}
	return window{}, false
}

// phraser formats dates for one summary: absolute dates in the document's language, and
// "today"/"tomorrow" against now in the parcel's zone.
type phraser struct {
	tr   func(key string, vars ...string) string
	date func(time.Time) string
	now  time.Time
}

// day formats a date both ways: key takes {date}; todayKey and tomorrowKey, when set, are
// used instead in the relative form.
func (p phraser) day(d time.Time, loc *time.Location, key, todayKey, tomorrowKey string, vars ...string) Words {
	abs := p.tr(key, append([]string{"date", p.date(d)}, vars...)...)
	w := Words{abs, abs}
	today := p.now.In(loc).Format(DateLayout)
	tomorrow := p.now.In(loc).AddDate(0, 0, 1).Format(DateLayout)
	switch ds := d.Format(DateLayout); {
	case ds == today && todayKey != "":
		w.Today = p.tr(todayKey, vars...)
	case ds == tomorrow && tomorrowKey != "":
		w.Today = p.tr(tomorrowKey, vars...)
	}
	return w
}

// promiseOf derives a parcel's promise. arrived is when the parcel was delivered or became
// ready for collection ("" when it has not).
func promiseOf(o *Order, t *Tracking, vis []Checkpoint, cur Code, j Journey, complete bool, p phraser) Promise {
	loc := Zone(t.Timezone, o.Timezone)
	none := Promise{Kind: PromiseNone, Source: SourceNone}
	switch {
	case j == JourneyCancelled || j == JourneyReturn:
		return none
	case j == JourneyPickup && isPickupCode(cur.Code) && t.PickupLocation != nil && t.PickupLocation.HoldUntil != "":
		pl := t.PickupLocation
		d, err := time.Parse(DateLayout, pl.HoldUntil)
		if err != nil {
			return none
		}
		pr := Promise{Kind: PromiseCollectBy, Source: SourceCarrier, Start: pl.HoldUntil, End: pl.HoldUntil}
		if end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc); !p.now.Before(end) {
			pr.Kind, pr.Words = PromiseCollectPassed, p.day(d, loc, "promise.collect_passed", "", "")
			return pr
		}
		pr.Words = p.day(d, loc, "promise.collect_by", "promise.collect_by_today", "promise.collect_by_tomorrow")
		return pr
	case j == JourneyPickup && isPickupCode(cur.Code) && cur.Lifecycle != FailedAttempt:
		return none // waiting at the pickup point, no collection date given
	case complete:
		for _, c := range vis {
			if code, _ := LookupCode(c.StatusCode); code.Lifecycle == Delivered {
				ts := c.Time().In(loc)
				return Promise{Kind: PromiseDelivered, Source: SourceCarrier, Start: ts.Format(DateLayout), End: ts.Format(DateLayout),
					Words: p.day(ts, loc, "promise.delivered_on", "", "")}
			}
		}
		return none
	}
	w, ok := promiseWindow(o, t, vis)
	if !ok {
		return none
	}
	start, err1 := time.ParseInLocation(DateLayout, w.start, loc)
	end, err2 := time.ParseInLocation(DateLayout, w.end, loc)
	if err1 != nil || err2 != nil {
		return none
	}
	pr := Promise{Kind: PromiseExpected, Source: w.source, Start: w.start, End: w.end, StartTime: w.tStart, EndTime: w.tEnd}
	if !p.now.Before(end.AddDate(0, 0, 1)) {
		// The window has passed: a delay, stated with the date that was promised.
		pr.Kind, pr.Words = PromiseLate, p.day(end, loc, "promise.late", "", "")
		return pr
	}
	switch {
	case w.start != w.end:
		abs := p.tr("promise.expected_between", "start", p.date(start), "end", p.date(end))
		pr.Words = Words{abs, abs}
	case w.tStart != "" && len(w.tStart) >= 5 && len(w.tEnd) >= 5:
		pr.Words = p.day(start, loc, "promise.expected_on_time", "promise.expected_today_time", "promise.expected_tomorrow_time",
			"start", w.tStart[:5], "end", w.tEnd[:5])
	default:
		pr.Words = p.day(start, loc, "promise.expected_on", "promise.expected_today", "promise.expected_tomorrow")
	}
	return pr
}
