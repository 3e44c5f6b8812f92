package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/locale"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// trackView maps an info document and its summary onto the shopper page's view model. The
// summary decides what is said; this only picks the words for a reader whose date is known.
func trackView(page templates.Page, info *status.Info) templates.TrackView {
	lang := page.Lang
	sm := info.Story()
	v := templates.TrackView{Page: page, OrderNumber: info.OrderNumber, Access: string(info.Access), Tone: sm.Tone,
		ParcelCount: strconv.Itoa(len(info.Trackings))}
	if info.OrderDate != nil {
		if ts, err := status.ParseTimestamp(*info.OrderDate); err == nil {
			v.OrderDate = i18n.FormatDateLong(lang, ts)
		}
	}
	if len(sm.Parcels) > 1 {
		v.Headline = sm.Headline.Today
	}
	if page.Shop != nil && page.Shop.ReturnsURL != "" && sm.Returnable() {
		v.ReturnsURL = page.Shop.ReturnsURL
	}
	if len(info.COD) > 0 && info.Access != status.AccessPublic {
		var parts []string
		for _, c := range info.COD {
			if len(c) == 2 {
				parts = append(parts, locale.Money(lang, c[0], c[1]))
			}
		}
		v.COD = strings.Join(parts, " + ")
	}
	v.Delivery = deliveryFacts(lang, info)
	if b := sm.Banner; b != nil {
		v.Banner = &templates.Banner{Kind: b.Kind, Text: b.Text}
	}
	if c := sm.Cancellation; c != nil {
		v.Cancellation = &templates.CancellationView{Text: c.Text, Next: nextView(lang, c.Next)}
		if c.Reason != "" {
			v.Cancellation.Reason = i18n.T(lang, "page.cancel_reason", "reason", c.Reason)
		}
	}
	for i := range info.Trackings {
		label := ""
		if len(info.Trackings) > 1 {
			label = i18n.T(lang, "page.parcel_n", "n", strconv.Itoa(i+1), "total", strconv.Itoa(len(info.Trackings)))
		}
		p := parcelView(lang, info, &info.Trackings[i], &sm.Parcels[i], label)
		if sm.SharedAddress && len(p.AddressLines) > 0 {
			// An address every parcel shares is said once, for the order.
			v.AddressLabel, v.AddressLines, p.AddressLines = p.AddressLabel, p.AddressLines, nil
		}
		v.Parcels = append(v.Parcels, p)
		if len(info.Trackings) > 1 {
			v.Overview = append(v.Overview, templates.OverviewRow{Anchor: p.Anchor, Label: label, Status: p.Status, Promise: p.Promise, Courier: p.Courier, Tone: p.Tone})
		}
	}
	return v
}

// markVoted answers the feedback form of the parcel a shopper has just voted on (of every
// parcel when parcel is ""): the thanks takes the place of the buttons.
func markVoted(v *templates.TrackView, parcel string) {
	for i := range v.Parcels {
		if a := v.Parcels[i].Action; a != nil && a.Vote && (parcel == "" || parcel == v.Parcels[i].ID) {
			a.Voted = true
		}
	}
}

// stepText says a step's state in words, for screen readers and colour-blind readers.
func stepText(lang string, s status.Step, code status.Code) string {
	switch s.State {
	case status.StepDone:
		return i18n.T(lang, "step.done")
	case status.StepProblem:
		return i18n.T(lang, "lifecycle."+string(code.Lifecycle))
	case status.StepCurrent:
		return i18n.T(lang, "step.current")
	}
	return i18n.T(lang, "step.todo")
}

func parcelView(lang string, info *status.Info, t *status.InfoTracking, ps *status.ParcelSummary, label string) templates.ParcelView {
	ds := t.LastDeliveryStatus
	p := templates.ParcelView{
		ID: t.TrackingID, Anchor: "parcel-" + t.TrackingID, Label: label, Status: ps.Title, Icon: ps.Icon, Tone: ps.Tone,
		Promise: ps.Promise.Today, Details: ds.StatusDetails, Courier: ps.Courier, TrackingNumber: t.TrackingNumber,
		AddressLabel: i18n.T(lang, "page.shipping_address"),
	}
	if ps.Journey != status.JourneyCancelled {
		p.TrackingURL, p.RerouteURL = t.CourierInfo.CourierTrackingURL, t.CourierInfo.CourierRerouteURL
	}
	if ps.ShopperReturn {
		p.AddressLabel = i18n.T(lang, "page.return_from") // the shopper's own address
	}
	if p.Details == p.Status || p.Details == ds.StatusText {
		p.Details = ""
	}
	for i, s := range ps.Steps {
		p.Steps = append(p.Steps, templates.StepView{Label: s.Label, State: string(s.State), StateText: stepText(lang, s, ps.Code), Current: i+1 == ps.Current})
	}
	home := status.Zone(t.Timezone) // the shopper's: the tracking's, else the order's zone
	for i, c := range t.Checkpoints {
		e := eventView(lang, c, home)
		if i == 0 && e.Detail == p.Details {
			e.Detail = "" // the card says the newest event's details already
		}
		if i < 3 {
			p.Events = append(p.Events, e)
		} else {
			p.MoreEvents = append(p.MoreEvents, e)
		}
	}
	if len(p.MoreEvents) > 0 {
		p.MoreLabel = i18n.N(lang, "page.show_all_events", len(t.Checkpoints), "count", locale.Number(lang, len(t.Checkpoints)))
	}
	p.AddressLines = locale.AddressLines(lang, t.ShippingAddress)
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
	p.Next = nextView(lang, ps.Next)
	if n := p.Next; n != nil {
		// A link the next step offers is not repeated under the facts.
		if n.LinkURL == p.RerouteURL {
			p.RerouteURL = ""
		}
		if n.Contact != nil && n.Contact.URL == p.TrackingURL {
			p.TrackingURL = ""
		}
	}
	p.Action = actionView(lang, info, t, ps)
	return p
}

// nextView maps a next step; a contact is named with the ways the courier or shop gives.
func nextView(lang string, n *status.NextStep) *templates.NextView {
	if n == nil {
		return nil
	}
	v := &templates.NextView{Heading: i18n.T(lang, "page.next_heading"), Text: n.Text, Note: n.Note, NoteLabel: i18n.T(lang, "page.shop_note"),
		LinkURL: n.LinkURL, LinkText: n.LinkText}
	// A contact is named only with a way to reach it.
	if c := n.Contact; c != nil && c.Name != "" && (c.Email != "" || c.Phone != "" || c.URL != "") {
		v.Contact = &templates.ContactView{Kind: c.Kind, Heading: i18n.T(lang, "page.contact_heading", "name", c.Name),
			Email: c.Email, Phone: c.Phone, URL: c.URL, URLText: i18n.T(lang, "page.support_link")}
		if c.Kind == "courier" {
			v.Contact.URLText = i18n.T(lang, "page.courier_tracking_link")
		}
	}
	return v
}

// eventView is one checkpoint; its time is the shopper's local time, labelled only when the
// event happened in a zone whose clock differs (see locale.EventTime).
func eventView(lang string, c status.InfoCheckpoint, home *time.Location) templates.EventView {
	ts, _ := status.ParseTimestamp(c.EventTimestamp)
	local := ts.In(status.Zone(c.Timezone))
	return templates.EventView{
		When:     locale.EventTime(lang, ts, local.Location(), home),
		Datetime: local.Format(time.RFC3339),
		What:     c.StatusText,
		Where:    c.Location,
		Detail:   c.StatusDetails,
		Hidden:   c.IsHidden,
	}
}

// actionView is the pickup point (where, when open) or the delivery feedback form. What to
// do and by when are the parcel's next step and promise, said once there.
func actionView(lang string, info *status.Info, t *status.InfoTracking, ps *status.ParcelSummary) *templates.ActionView {
	ab := t.ActionBox
	if ab == nil {
		return nil
	}
	switch ab.Type {
	case "pickup-location":
		a := &templates.ActionView{Type: ab.Type, Title: ab.Label, Name: ab.Name, Address: ab.Address}
		if pl := t.PickupLocation; pl != nil && pl.Address != nil && ab.Address != "" {
			a.Address = locale.FormatAddress(lang, pl.Address) // the country's order, in the page's language
		}
		if pk := ps.Pickup; pk != nil {
			a.OpenNow = pk.OpenNow
			for _, d := range pk.Week {
				a.Hours = append(a.Hours, templates.HoursRow{Day: d.Day, Text: d.Hours, Today: d.Today})
			}
		}
		return a
	case "vote-courier":
		if info.Access == status.AccessPublic {
			return nil
		}
		return &templates.ActionView{Type: ab.Type, Title: ab.Label, Vote: true}
	}
	return nil
}
