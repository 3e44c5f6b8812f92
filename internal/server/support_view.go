package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// The console shows times as "2026-01-14 10:00 CET": unambiguous for staff in any country.
const supportTimeLayout = "2006-01-02 15:04 MST"

// formatTS renders a stored timestamp in the IANA zone tz (UTC when empty or unknown).
func formatTS(ts, tz string) string {
	t, err := status.ParseTimestamp(ts)
	if err != nil {
		return ts
	}
	return t.In(status.Zone(tz)).Format(supportTimeLayout)
}

func accountLabel(a status.Account) string { return fmt.Sprintf("%s (%d)", a.Name, a.ID) }

// searchDescription says what a search looked for and where, for the results heading and
// the no-match message.
func searchDescription(q status.Search, filter int64, names map[int64]string) string {
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = st("support.kind." + string(k))
	}
	joined := kinds[len(kinds)-1]
	if len(kinds) > 1 {
		joined = strings.Join(kinds[:len(kinds)-1], ", ") + " " + st("support.search.kinds_or") + " " + joined
	}
	scope := st("support.search.all")
	scope = strings.ToLower(scope[:1]) + scope[1:]
	if filter != 0 {
		scope = names[filter]
		if scope == "" {
			scope = st("support.search.one_acct", "account", strconv.FormatInt(filter, 10))
		}
	}
	return st("support.search.what", "text", q.Text, "kinds", joined, "scope", scope)
}

func recipientEmail(o *status.Order) string {
	if o.RecipientEmail == status.UnsetEmail {
		return ""
	}
	return o.RecipientEmail
}

// consoleSummary is the order's summary as staff read it: in English, at full access.
func consoleSummary(o *status.Order, now time.Time) *status.Summary {
	return status.Summarize(o, status.SummaryOptions{Access: status.AccessFull, Lang: "en", Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort})
}

// orderRow is one line of the search results.
func orderRow(o *status.Order, account string, now time.Time) templates.SupportOrderRow {
	row := templates.SupportOrderRow{URL: "/support/orders/" + url.PathEscape(o.ID), OrderNumber: o.OrderNumber, Account: account,
		RecipientName: o.RecipientName, RecipientEmail: recipientEmail(o), Date: formatTS(o.OrderDate, o.Timezone)}
	sm := consoleSummary(o, now)
	for i := range o.Trackings {
		row.Parcels = append(row.Parcels, parcelState(&o.Trackings[i], &sm.Parcels[i]))
	}
	return row
}

func parcelState(t *status.Tracking, ps *status.ParcelSummary) templates.ParcelState {
	return templates.ParcelState{Courier: ps.Courier, TrackingNumber: t.TrackingNumber, State: ps.Title, Tone: ps.Tone}
}

// factList collects labelled values, leaving out empty ones.
type factList []templates.Fact

func (f *factList) add(field, value string) {
	if strings.TrimSpace(value) != "" {
		*f = append(*f, templates.Fact{Label: st("support.field." + field), Value: value})
	}
}

// addLink adds a URL that the console shows as a link (it opens in a new tab); anything but
// an http or https URL is shown as text.
func (f *factList) addLink(field, value string) {
	f.add(field, value)
	if u, err := url.Parse(value); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(*f) > 0 {
		(*f)[len(*f)-1].URL = value
	}
}

func yes(b bool) string {
	if b {
		return st("support.field.yes")
	}
	return ""
}

func formatCOD(cod [][]string) string {
	var parts []string
	for _, c := range cod {
		parts = append(parts, strings.Join(c, " "))
	}
	return strings.Join(parts, " + ")
}

func compactJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// orderView turns an order and what belongs to it into the detail page's view model.
// Everything stored is shown; hidden checkpoints are marked.
func orderView(o *status.Order, acct status.Account, links EmailLinks, feedback []status.Feedback, deliveries []callback.Delivery, now time.Time) templates.SupportOrderView {
	info := status.BuildInfo(o, status.InfoOptions{Access: status.AccessFull, Lang: "en", Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort})
	sm := info.Story()
	v := templates.SupportOrderView{OrderNumber: o.OrderNumber, Account: accountLabel(acct), Headline: sm.Headline.Today, Tone: sm.Tone,
		Promise: consolePromise(sm), Problem: consoleProblem(sm),
		PageURL: links.PageURL, WidgetURL: links.WidgetURL, WidgetAlt: links.Alt, Snippet: links.HTML,
		LinkTTL: st("support.links.ttl", "days", strconv.Itoa(int(supportLinkTTL.Hours()/24)))}

	var f factList
	f.add("order_number", o.OrderNumber)
	f.add("id", o.ID)
	f.add("client_key", o.ClientKey)
	f.add("external_order_id", o.ExternalOrderID)
	f.add("external_reference", o.ExternalReference)
	f.add("customer_number", o.CustomerNumber)
	f.add("recipient_name", o.RecipientName)
	f.add("recipient_email", recipientEmail(o))
	f.add("order_date", formatTS(o.OrderDate, o.Timezone))
	f.add("order_status", o.OrderStatus)
	f.add("cancelled_date", formatTS(o.CancelledDate, o.Timezone))
	f.add("cancellation_reason", o.CancellationReason)
	f.add("workflow", o.Workflow)
	f.add("is_exchange", yes(o.IsExchange))
	f.add("channel", o.Channel)
	f.add("delivery_method", o.DeliveryMethod)
	f.add("destination_country_iso3", o.DestinationCountryISO3)
	f.add("language_iso2", o.LanguageISO2)
	f.add("timezone", o.Timezone)
	f.add("announced_delivery_date", dateWindow(o.AnnouncedDeliveryDate, o.AnnouncedDeliveryDateMin, o.AnnouncedDeliveryDateMax))
	f.add("order_amount_total", strings.TrimSpace(o.OrderAmountTotal+" "+o.OrderCurrency))
	f.add("net_amount", o.NetAmount)
	f.add("tax_amount", o.TaxAmount)
	f.add("discount_amount", o.DiscountAmount)
	f.add("payment_method", o.PaymentMethod)
	f.add("payment_state", o.PaymentState)
	f.add("payment_details", compactJSON(o.PaymentDetails))
	f.add("cod", formatCOD(o.COD))
	f.add("invoice_number", o.InvoiceNumber)
	if o.NumberOfPackages > 0 {
		f.add("number_of_packages", strconv.Itoa(o.NumberOfPackages))
	}
	f.add("tags", strings.Join(o.Tags, ", "))
	f.add("notes", o.Notes)
	f.add("callback_url", o.CallbackURL)
	f.add("created_at", formatTS(o.CreatedAt, "UTC"))
	f.add("updated_at", formatTS(o.UpdatedAt, "UTC"))
	f.add("version", strconv.FormatInt(o.Version, 10))
	v.Order = f

	numbers := map[string]string{}
	for i := range o.Trackings {
		t := &o.Trackings[i]
		numbers[t.ID] = t.TrackingNumber
		v.Parcels = append(v.Parcels, parcelDetail(o, t, &info.Trackings[i], &sm.Parcels[i], i, len(o.Trackings)))
	}
	for _, fb := range feedback {
		parcel := numbers[fb.TrackingID]
		if parcel == "" {
			parcel = fb.TrackingID
		}
		v.Feedback = append(v.Feedback, templates.SupportFeedback{Parcel: parcel, Topic: fb.Topic, Vote: st("support.feedback." + fb.Vote), At: formatTS(fb.CreatedAt, "UTC")})
	}
	for _, d := range deliveries {
		v.Callbacks = append(v.Callbacks, callbackRow(d))
	}
	return v
}

// consolePromise is the order's promise for the top of the console's order page: the
// order's own, else (several parcels) the lead parcel's.
func consolePromise(sm *status.Summary) string {
	if sm.Promise.Text != "" {
		return sm.Promise.Text
	}
	if sm.Lead < len(sm.Parcels) {
		return sm.Parcels[sm.Lead].Promise.Text
	}
	return ""
}

// consoleProblem is the order's problem flag: the summary's warning or danger banner, else
// the first parcel held by an exception or a failed attempt; "" when nothing is wrong.
func consoleProblem(sm *status.Summary) string {
	if b := sm.Banner; b != nil && (b.Kind == "danger" || b.Kind == "warning") {
		return b.Text
	}
	for _, p := range sm.Parcels {
		if p.Problem {
			return p.Title
		}
	}
	return ""
}

func dateWindow(day, lo, hi string) string {
	switch {
	case lo != "" && hi != "" && lo != hi:
		return lo + " – " + hi
	case lo != "":
		return lo
	}
	return day
}

func parcelDetail(o *status.Order, t *status.Tracking, it *status.InfoTracking, sp *status.ParcelSummary, i, n int) templates.SupportParcelView {
	ps := parcelState(t, sp)
	p := templates.SupportParcelView{ID: t.ID, State: ps.State, Tone: ps.Tone,
		Heading: st("support.parcel.heading", "n", strconv.Itoa(i+1), "total", strconv.Itoa(n), "courier", ps.Courier, "number", t.TrackingNumber)}
	var f factList
	f.add("tracking_id", t.ID)
	f.add("courier", strings.TrimSpace(t.CourierName+" ("+t.Courier+")"))
	f.add("tracking_number", t.TrackingNumber)
	f.add("external_reference", t.ExternalReference)
	if t.LastMileCourier != "" {
		f.add("last_mile_courier", strings.TrimSpace(t.LastMileCourierName+" ("+t.LastMileCourier+")"))
	}
	f.add("is_return", yes(t.IsReturn))
	f.add("announced_delivery_date", dateWindow(t.AnnouncedDeliveryDate, t.AnnouncedDeliveryDateMin, t.AnnouncedDeliveryDateMax))
	f.add("recipient_postal_code", t.RecipientPostalCode)
	f.add("shipping_address", status.FormatAddress(t.ShippingAddress))
	if t.ShippingAddress != nil {
		f.add("phone", t.ShippingAddress.Phone)
	}
	if pl := t.PickupLocation; pl != nil {
		f.add("pickup_location", strings.Join(nonEmpty(pl.Name, status.FormatAddress(pl.Address)), "; "))
		f.add("opening_hours", strings.Join(status.OpeningWeek(pl.OpeningHours, func(d string) string { return st("support.day." + d) }), " · "))
		f.add("hold_until", pl.HoldUntil)
	}
	f.add("identifiers_consignment", t.IdentifiersConsignment)
	f.add("pod", strings.Join(nonEmpty(t.PODDate, t.PODSignature, t.PODIdentifier), ", "))
	f.addLink("courier_tracking_url", t.CourierTrackingURL)
	f.addLink("courier_reroute_url", t.CourierRerouteURL)
	f.add("timezone", t.Timezone)
	if l := t.ShippingLabel; l != nil {
		f.add("shipping_label", l.URL)
	}
	if w := t.CourierPickup; w != nil {
		f.add("courier_pickup", strings.Join(nonEmpty(formatTS(w.Earliest, t.Timezone), formatTS(w.Latest, t.Timezone)), " – "))
	}
	p.Facts = f

	for _, c := range it.Checkpoints {
		p.Checkpoints = append(p.Checkpoints, templates.SupportCheckpoint{When: formatTS(c.EventTimestamp, c.Timezone), Code: c.StatusCode,
			Text: c.StatusText, Details: strings.Join(nonEmpty(c.StatusDetails, c.DeliveryExtraInfo), " · "), Location: c.Location, Hidden: c.IsHidden})
	}
	for _, a := range t.Articles {
		row := templates.SupportArticle{Name: a.ArticleName, SKU: a.SKU, UnitPrice: a.UnitPrice,
			Details: strings.Join(nonEmpty(a.ArticleBrand, a.ArticleCategory, a.Size, a.Color, a.ProductID), " · ")}
		if a.Quantity > 0 {
			row.Quantity = strconv.Itoa(a.Quantity)
		}
		p.Articles = append(p.Articles, row)
	}
	keys := make([]string, 0, len(t.AdditionalAttributes))
	for k := range t.AdditionalAttributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b, _ := json.Marshal(t.AdditionalAttributes[k])
		val := string(b)
		if s, ok := t.AdditionalAttributes[k].(string); ok {
			val = s
		}
		p.Attributes = append(p.Attributes, templates.Fact{Label: k, Value: val})
	}
	return p
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// callbackRow summarises one callback delivery and its attempts.
func callbackRow(d callback.Delivery) templates.SupportCallback {
	c := templates.SupportCallback{Event: d.Event, State: d.State, CreatedAt: formatTS(d.CreatedAt, "UTC"), URL: d.URL, Tone: "normal"}
	switch d.State {
	case callback.Delivered:
		c.Tone = "success"
	case callback.Failed:
		c.Tone = "danger"
	case callback.Pending:
		c.Tone = "warning"
	}
	n := len(d.Attempts)
	c.Attempts = templates.STn("support.callbacks.attempts", n)
	if len(d.Attempts) > 0 {
		last := d.Attempts[len(d.Attempts)-1]
		outcome := last.Error
		if last.StatusCode != 0 {
			outcome = strings.TrimSpace("HTTP " + strconv.Itoa(last.StatusCode) + " " + last.Error)
		}
		c.Attempts = templates.STn("support.callbacks.last", n, "outcome", outcome)
	}
	if d.NextAttemptAt != "" {
		c.Attempts += "; " + st("support.callbacks.next", "time", formatTS(d.NextAttemptAt, "UTC"))
	}
	return c
}
