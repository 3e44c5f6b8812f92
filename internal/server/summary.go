package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// orderSummary condenses an info document for headers, the widget and alt texts.
type orderSummary struct {
	Lead      *status.InfoTracking // the least advanced parcel, whose state heads the order
	Delivered int
	Total     int
	Headline  string // localised state of the lead parcel
	Promise   string // localised delivery promise or delivery date of the lead parcel
	Tone      string // normal, warning, danger, success, muted
	Counts    string // "2 of 3 parcels delivered" for several parcels, else ""
}

// toneOf maps a lifecycle to the colour family the page and the widget use.
func toneOf(l status.Lifecycle) string {
	switch l {
	case status.Exception, status.Returned:
		return "danger"
	case status.FailedAttempt:
		return "warning"
	case status.Delivered:
		return "success"
	case status.Cancelled:
		return "muted"
	}
	return "normal"
}

// summarize picks the least advanced parcel (finished parcels count as most advanced) and
// phrases the order's state in lang.
func summarize(info *status.Info, lang string, now time.Time) orderSummary {
	s := orderSummary{Total: len(info.Trackings)}
	rank := func(t *status.InfoTracking) int {
		ds := t.LastDeliveryStatus
		switch ds.LifecycleStatus {
		case status.Exception, status.FailedAttempt:
			return -1 // problems head the order
		case status.Delivered, status.Returned, status.Cancelled:
			return 10
		}
		return ds.Step
	}
	for i := range info.Trackings {
		t := &info.Trackings[i]
		if t.LastDeliveryStatus.LifecycleStatus == status.Delivered {
			s.Delivered++
		}
		if s.Lead == nil || rank(t) < rank(s.Lead) {
			s.Lead = t
		}
	}
	if s.Lead == nil {
		code := "Pending"
		if info.IsCancelled {
			code = "Cancelled"
		}
		s.Headline = i18n.T(lang, "status."+code)
		s.Tone = toneOf(status.Lifecycle(code))
		return s
	}
	s.Headline = s.Lead.LastDeliveryStatus.StatusText
	s.Tone = toneOf(s.Lead.LastDeliveryStatus.LifecycleStatus)
	s.Promise = promise(s.Lead, lang, now)
	if s.Total > 1 {
		s.Counts = i18n.T(lang, "summary.delivered", "done", strconv.Itoa(s.Delivered), "total", strconv.Itoa(s.Total))
	}
	return s
}

// promise phrases when a parcel arrives: the delivery date once delivered, else the carrier's
// estimate or the announced date or window ("expected today" when that is today).
func promise(t *status.InfoTracking, lang string, now time.Time) string {
	loc := time.UTC
	if t.Timezone != "" {
		if l, err := status.Location(t.Timezone); err == nil {
			loc = l
		}
	}
	ds := t.LastDeliveryStatus
	switch ds.LifecycleStatus {
	case status.Delivered:
		if d := t.ReportingInfo.DeliveryDate; d != nil {
			if ts, err := status.ParseTimestamp(*d); err == nil {
				return i18n.T(lang, "promise.delivered_on", "date", i18n.FormatDateShort(lang, ts.In(loc)))
			}
		}
		return ""
	case status.Cancelled, status.Returned:
		return ""
	case status.PickupReady:
		if t.PickupLocation != nil && t.PickupLocation.HoldUntil != "" {
			if d, err := time.Parse(status.DateLayout, t.PickupLocation.HoldUntil); err == nil {
				return i18n.T(lang, "promise.collect_by", "date", i18n.FormatDateShort(lang, d))
			}
		}
		return ""
	}
	var start, end string
	if ab := t.ActionBox; ab != nil && ab.Raw != nil && ab.Raw.EarliestDate != nil && ab.Type != "pickup-location" {
		start = *ab.Raw.EarliestDate
		if ab.Raw.LatestDate != nil {
			end = *ab.Raw.LatestDate
		}
	} else if t.AnnouncedDeliveryMin != nil {
		start = *t.AnnouncedDeliveryMin
		if t.AnnouncedDeliveryMax != nil {
			end = *t.AnnouncedDeliveryMax
		}
	} else if t.AnnouncedDeliveryDate != nil {
		start = *t.AnnouncedDeliveryDate
	}
	if start == "" {
		return ""
	}
	sd, err := time.Parse(status.DateLayout, start)
	if err != nil {
		return ""
	}
	today := now.In(loc).Format(status.DateLayout)
	if end == "" || end == start {
		switch start {
		case today:
			return i18n.T(lang, "promise.expected_today")
		case now.In(loc).AddDate(0, 0, 1).Format(status.DateLayout):
			return i18n.T(lang, "promise.expected_tomorrow")
		}
		return i18n.T(lang, "promise.expected_on", "date", i18n.FormatDateShort(lang, sd))
	}
	ed, err := time.Parse(status.DateLayout, end)
	if err != nil {
		return i18n.T(lang, "promise.expected_on", "date", i18n.FormatDateShort(lang, sd))
	}
	return i18n.T(lang, "promise.expected_between", "start", i18n.FormatDateShort(lang, sd), "end", i18n.FormatDateShort(lang, ed))
}

// AltText is the widget's alternative text, e.g. "Order A-1001: Out for delivery, Expected
// Tue 14 Oct". It carries no personal data beyond the order number.
func AltText(info *status.Info, lang string, now time.Time) string {
	sm := summarize(info, lang, now)
	parts := []string{sm.Headline}
	if sm.Counts != "" {
		parts = append(parts, sm.Counts)
	}
	if sm.Promise != "" {
		parts = append(parts, sm.Promise)
	}
	return i18n.T(lang, "widget.order", "number", info.OrderNumber) + ": " + strings.Join(parts, ", ")
}
