package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// trackView turns an info document into the shopper page's view model. Everything the
// template shows is decided here; the template only lays it out.
func trackView(page templates.Page, info *status.Info, now time.Time) templates.TrackView {
	lang := page.Lang
	sm := summarize(info, lang, now)
	v := templates.TrackView{Page: page, OrderNumber: info.OrderNumber, Access: string(info.Access), Headline: sm.Headline, Counts: sm.Counts}
	if len(info.COD) > 0 && info.Access != status.AccessPublic {
		var parts []string
		for _, c := range info.COD {
			if len(c) == 2 {
				parts = append(parts, c[0]+" "+c[1])
			}
		}
		v.COD = strings.Join(parts, " + ")
	}
	var delayed, exception, returned bool
	for i := range info.Trackings {
		t := &info.Trackings[i]
		delayed = delayed || t.IsDelayed
		exception = exception || t.LastDeliveryStatus.LifecycleStatus == status.Exception
		returned = returned || t.IsReturn || t.LastDeliveryStatus.LifecycleStatus == status.Returned
		label := ""
		if len(info.Trackings) > 1 {
			label = i18n.T(lang, "page.parcel_n", "n", strconv.Itoa(i+1), "total", strconv.Itoa(len(info.Trackings)))
		}
		v.Parcels = append(v.Parcels, parcelView(lang, info, t, label, now))
	}
	switch {
	case info.IsCancelled:
		v.Banners = append(v.Banners, templates.Banner{Kind: "danger", Text: i18n.T(lang, "banner.cancelled")})
	case exception:
		v.Banners = append(v.Banners, templates.Banner{Kind: "danger", Text: i18n.T(lang, "banner.exception")})
	}
	if delayed && !info.IsCancelled {
		v.Banners = append(v.Banners, templates.Banner{Kind: "warning", Text: i18n.T(lang, "banner.delayed")})
	}
	if returned {
		v.Banners = append(v.Banners, templates.Banner{Kind: "info", Text: i18n.T(lang, "banner.return")})
	}
	return v
}

func parcelView(lang string, info *status.Info, t *status.InfoTracking, label string, now time.Time) templates.ParcelView {
	ds := t.LastDeliveryStatus
	p := templates.ParcelView{
		ID: t.TrackingID, Label: label, Status: ds.StatusText, Icon: ds.IconHint, Tone: toneOf(ds.LifecycleStatus),
		Promise: promise(t, lang, now), Details: ds.StatusDetails, Courier: t.CourierInfo.CourierName,
		TrackingNumber: t.TrackingNumber, TrackingURL: t.CourierInfo.CourierTrackingURL, RerouteURL: t.CourierInfo.CourierRerouteURL,
	}
	if p.Courier == "" {
		p.Courier = t.CourierInfo.Courier
	}
	if p.Details == p.Status {
		p.Details = ""
	}
	// Progress bar: the current step by text and aria-current, never by colour alone.
	for i := 1; i <= 5; i++ {
		s := templates.StepView{Label: i18n.T(lang, "step."+strconv.Itoa(i))}
		switch {
		case i < ds.Step || (i == ds.Step && ds.LifecycleStatus == status.Delivered):
			s.State, s.StateText = "done", i18n.T(lang, "step.done")
		case i == ds.Step:
			s.State, s.StateText = "current", i18n.T(lang, "step.current")
			if ds.LifecycleStatus == status.Exception || ds.LifecycleStatus == status.FailedAttempt {
				s.StateText = i18n.T(lang, "lifecycle."+string(ds.LifecycleStatus))
			}
		default:
			s.State, s.StateText = "todo", i18n.T(lang, "step.todo")
		}
		if ds.LifecycleStatus == status.Delivered && i == 5 {
			s.State, s.StateText = "current", i18n.T(lang, "step.done")
		}
		if ds.LifecycleStatus == status.PickupReady && i == 4 {
			s.Label = i18n.T(lang, "lifecycle.PickupReady")
		}
		p.Steps = append(p.Steps, s)
	}
	for i, c := range t.Checkpoints {
		e := eventView(lang, c)
		if i < 3 {
			p.Events = append(p.Events, e)
		} else {
			p.MoreEvents = append(p.MoreEvents, e)
		}
	}
	if len(p.MoreEvents) > 0 {
		p.MoreLabel = i18n.T(lang, "page.show_all_events", "count", strconv.Itoa(len(t.Checkpoints)))
	}
	if a := t.ShippingAddress; a != nil {
		for _, l := range []string{strings.TrimSpace(a.FirstName + " " + a.LastName), a.CompanyName, a.AddressLine, a.AddressLineExtra,
			strings.TrimSpace(a.PostalCode + " " + a.City), a.CountryISO3} {
			if strings.TrimSpace(l) != "" {
				p.AddressLines = append(p.AddressLines, l)
			}
		}
	}
	for _, a := range t.Articles {
		meta := strings.Trim(strings.Join([]string{a.Size, a.Color}, " · "), " ·")
		qty := a.Quantity
		if qty == 0 {
			qty = 1
		}
		img := a.ArticleImageURL
		if !strings.HasPrefix(img, "/") {
			img = "" // the page loads nothing from other hosts (CSP default-src 'self')
		}
		p.Articles = append(p.Articles, templates.ArticleView{Name: a.ArticleName, Image: img, Meta: meta, Qty: i18n.T(lang, "page.quantity", "count", strconv.Itoa(qty))})
	}
	if t.PODSignature != nil {
		p.PODSignature = *t.PODSignature
	}
	p.Action = actionView(lang, info, t, now)
	return p
}

func eventView(lang string, c status.InfoCheckpoint) templates.EventView {
	ts, _ := status.ParseTimestamp(c.EventTimestamp)
	loc := time.UTC
	if c.Timezone != "" {
		if l, err := status.Location(c.Timezone); err == nil {
			loc = l
		}
	}
	local := ts.In(loc)
	return templates.EventView{
		When:     i18n.FormatDateTime(lang, local) + " " + local.Format("MST"),
		Datetime: local.Format(time.RFC3339),
		What:     c.StatusText,
		Where:    c.Location,
		Detail:   c.StatusDetails,
		Hidden:   c.IsHidden,
	}
}

var weekdayKeys = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func actionView(lang string, info *status.Info, t *status.InfoTracking, now time.Time) *templates.ActionView {
	ab := t.ActionBox
	if ab == nil {
		return nil
	}
	a := &templates.ActionView{Type: ab.Type, Title: ab.Label, Text: ab.LabelCommunication, Caption: ab.LabelCaption, Name: ab.Name, Address: ab.Address}
	switch ab.Type {
	case "pickup-location":
		loc := time.UTC
		if t.Timezone != "" {
			if l, err := status.Location(t.Timezone); err == nil {
				loc = l
			}
		}
		a.Hours, a.OpenNow = openingHours(lang, ab.OpeningHours, now.In(loc))
	case "next-action":
		if ab.URL != "" {
			a.URL, a.LinkText = ab.URL, i18n.T(lang, "page.courier_reroute_link")
		}
	case "live-tracking":
		a.Title = i18n.T(lang, "lifecycle.OutForDelivery")
		a.URL, a.LinkText = ab.URL, i18n.T(lang, "live_tracking.link")
	case "vote-courier":
		a.Vote = info.Access != status.AccessPublic
		if !a.Vote {
			return nil
		}
	case "order-processed":
		a.Title, a.Text = i18n.T(lang, "lifecycle.OrderProcessed"), ab.Label
	case "prediction":
		a.Title, a.Text = i18n.T(lang, "page.expected_delivery"), ab.Label
		if ab.Raw != nil && ab.Raw.HasTime && ab.Raw.EarliestTime != nil && ab.Raw.LatestTime != nil {
			a.Caption = i18n.T(lang, "page.time_window", "start", (*ab.Raw.EarliestTime)[:5], "end", (*ab.Raw.LatestTime)[:5])
		}
	case "returned":
		a.Title = i18n.T(lang, "return.status")
		a.Text = ab.LabelCommunication
	}
	return a
}

// openingHours lays out this week's opening hours from Monday and says whether the point is
// open now, when it closes or opens today, or that it is closed today.
func openingHours(lang string, hours []status.OpeningHours, now time.Time) ([]templates.HoursRow, string) {
	if len(hours) == 0 {
		return nil, ""
	}
	byDay := map[string][]status.OpeningHours{}
	for _, h := range hours {
		byDay[h.Day] = append(byDay[h.Day], h)
	}
	today := weekdayKeys[now.Weekday()]
	clock := now.Format("15:04:05")
	var rows []templates.HoursRow
	openNow := ""
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		row := templates.HoursRow{Day: i18n.T(lang, "weekday."+d), Today: d == today}
		var spans []string
		for _, h := range byDay[d] {
			spans = append(spans, h.Open[:5]+"–"+h.Close[:5])
		}
		if len(spans) == 0 {
			row.Text = i18n.T(lang, "pickup.closed")
		} else {
			row.Text = strings.Join(spans, ", ")
		}
		rows = append(rows, row)
		if d != today {
			continue
		}
		openNow = i18n.T(lang, "pickup.closed_today")
		if len(byDay[d]) > 0 {
			openNow = i18n.T(lang, "pickup.closed_now")
		}
		for _, h := range byDay[d] {
			if clock >= h.Open && clock < h.Close {
				openNow = i18n.T(lang, "pickup.open_now", "time", h.Close[:5])
				break
			}
			if clock < h.Open {
				openNow = i18n.T(lang, "pickup.opens_at", "time", h.Open[:5])
				break
			}
		}
	}
	return rows, openNow
}
