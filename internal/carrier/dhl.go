package carrier

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// DHLDefaultBaseURL is the DHL Shipment Tracking – Unified API.
const DHLDefaultBaseURL = "https://api-eu.dhl.com"

// DHLCouriers are the courier codes the DHL adapter serves: the Unified API tracks every DHL
// business unit with one call.
var DHLCouriers = []string{"dhl", "dhl-germany", "dhl-express", "dhl-parcel", "dhl-ecommerce", "dhl-freight", "deutsche-post"}

// DHL is the adapter for the DHL Shipment Tracking – Unified API:
// GET {BaseURL}/track/shipments?trackingNumber=… with the header DHL-API-Key.
type DHL struct {
	BaseURL string
	APIKey  string
	Client  *http.Client
	// Zone is where timestamps without a UTC offset are read (some DHL units send local
	// times without one); nil is UTC.
	Zone *time.Location
}

// NewDHL returns a DHL adapter; an empty baseURL is DHLDefaultBaseURL.
func NewDHL(baseURL, apiKey string) *DHL {
	if baseURL == "" {
		baseURL = DHLDefaultBaseURL
	}
	return &DHL{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, Client: &http.Client{Timeout: 10 * time.Second}}
}

// Courier implements Adapter.
func (d *DHL) Courier() []string { return DHLCouriers }

// dhlResponse is the part of the Unified API's answer the adapter reads.
type dhlResponse struct {
	Shipments []struct {
		ID     string     `json:"id"`
		Status *dhlEvent  `json:"status"`
		Events []dhlEvent `json:"events"`
	} `json:"shipments"`
}

type dhlEvent struct {
	Timestamp string `json:"timestamp"`
	Location  *struct {
		Address *struct {
			AddressLocality string `json:"addressLocality"`
			CountryCode     string `json:"countryCode"`
		} `json:"address"`
	} `json:"location"`
	StatusCode  string `json:"statusCode"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

// dhlProblem is the API's problem detail body of an error response.
type dhlProblem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// Fetch implements Adapter.
func (d *DHL) Fetch(ctx context.Context, trackingNumber string) ([]status.Checkpoint, error) {
	u := d.BaseURL + "/track/shipments?" + url.Values{"trackingNumber": {trackingNumber}, "language": {"en"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("DHL-API-Key", d.APIKey)
	req.Header.Set("Accept", "application/json")
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dhl: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("dhl: reading the response: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ErrNotFound
	case resp.StatusCode == http.StatusTooManyRequests:
		secs, _ := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After")))
		return nil, &RateLimitError{RetryAfter: time.Duration(secs) * time.Second}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("dhl: the API key was refused (%s)", resp.Status)
	case resp.StatusCode != http.StatusOK:
		var p dhlProblem
		json.Unmarshal(body, &p)
		return nil, fmt.Errorf("dhl: %s: %s", resp.Status, firstNonEmpty(p.Detail, p.Title, "no detail"))
	}
	var r dhlResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("dhl: decoding the response: %w", err)
	}
	var out []status.Checkpoint
	for _, sh := range r.Shipments {
		// A number may match shipments of several DHL units; take the one it names exactly
		// when there is one.
		if len(r.Shipments) > 1 && !strings.EqualFold(strings.TrimSpace(sh.ID), strings.TrimSpace(trackingNumber)) {
			continue
		}
		evs := sh.Events
		if len(evs) == 0 && sh.Status != nil {
			evs = []dhlEvent{*sh.Status}
		}
		for _, ev := range evs {
			if c, ok := d.checkpoint(ev); ok {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// checkpoint maps one DHL event; events without a usable timestamp are skipped.
func (d *DHL) checkpoint(ev dhlEvent) (status.Checkpoint, bool) {
	ts, ok := parseTime(ev.Timestamp, d.Zone)
	if !ok {
		return status.Checkpoint{}, false
	}
	c := status.Checkpoint{
		StatusCode:     DHLCode(ev.StatusCode, ev.Status+" "+ev.Description),
		EventTimestamp: status.FormatTimestamp(ts),
		StatusText:     strings.TrimSpace(ev.Status),
		StatusDetails:  strings.TrimSpace(ev.Description),
	}
	if c.StatusDetails == "" {
		c.StatusDetails = c.StatusText
	}
	if l := ev.Location; l != nil && l.Address != nil {
		c.Location = strings.TrimSpace(l.Address.AddressLocality)
		if cc := strings.TrimSpace(l.Address.CountryCode); cc != "" && c.Location != "" {
			c.Location += ", " + cc
		}
	}
	e := &status.ValidationError{}
	status.ValidateCheckpoint(&c, "", e)
	return c, e.Err() == nil
}

// parseTime reads an RFC 3339 timestamp, or one without an offset in zone.
func parseTime(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if zone == nil {
		zone = time.UTC
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// DHLCode maps a DHL event onto a status code: the Unified API's statusCode (pre-transit,
// transit, delivered, failure, unknown) picks the family, and the event's text (status and
// description) the code within it.
func DHLCode(statusCode, text string) string {
	t := strings.ToLower(text)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch strings.ToLower(strings.TrimSpace(statusCode)) {
	case "pre-transit":
		return "InfoReceived"
	case "delivered":
		return deliveredCode(has)
	case "failure":
		return failureCode(has)
	case "transit":
		return transitCode(has)
	}
	// unknown: the text is all there is.
	if has("delivered", "zugestellt") && !has("not delivered", "could not be delivered", "undeliverable", "will be delivered", "to be delivered", "being delivered", "nicht zugestellt") {
		return deliveredCode(has)
	}
	if has("not delivered", "could not be delivered", "unable to deliver", "undeliverable", "attempt", "refus", "damag", "lost", "return to sender", "returned to sender") {
		return failureCode(has)
	}
	return transitCode(has)
}

func deliveredCode(has func(...string) bool) string {
	switch {
	case has("neighbour", "neighbor", "nachbar"):
		return "Delivered-Neighbour"
	case has("packstation", "locker", "parcel box", "paketbox"):
		return "Delivered-Locker"
	case has("mailbox", "letterbox", "letter box", "briefkasten"):
		return "Delivered-Mailbox"
	case has("reception", "front desk", "concierge"):
		return "Delivered-Reception"
	case has("safe place", "drop-off location", "ablageort"):
		return "Delivered-SafePlace"
	case has("picked up by", "collected by", "collected from", "abgeholt"):
		return "Delivered-Collected"
	case has("parcel shop", "parcelshop", "service point", "servicepoint", "retail", "post office", "branch", "filiale", "paketshop"):
		return "Delivered-ParcelShop"
	}
	return "Delivered"
}

func failureCode(has func(...string) bool) string {
	switch {
	case has("return", "rücksendung", "retoure"):
		switch {
		case has("refus", "verweiger"):
			return "ReturnToSender-Refused"
		case has("address", "adress"):
			return "ReturnToSender-AddressIssue"
		case has("damag", "beschädig"):
			return "ReturnToSender-Damaged"
		case has("not collected", "not picked up", "uncollected", "collection period", "storage period", "nicht abgeholt"):
			return "ReturnToSender-NotCollected"
		}
		return "Exception-Other"
	case has("refus", "verweiger"):
		return "Exception-Refused"
	case has("address", "adress"):
		return "Exception-AddressIssue"
	case has("damag", "beschädig"):
		return "Exception-Damaged"
	case has("lost", "missing", "verloren"):
		return "Exception-Lost"
	case has("customs", "zoll"):
		return "Exception-CustomsHold"
	case has("duty", "duties", "payment", "charges", "fee", "gebühr"):
		return "Exception-PaymentRequired"
	case has("weather", "wetter"):
		return "Exception-Weather"
	case has("attempt", "not at home", "recipient not", "could not be delivered", "unable to deliver", "nicht angetroffen", "zustellversuch"):
		switch {
		case has("parcel shop", "parcelshop", "service point", "retail", "post office", "branch", "packstation", "filiale", "paketshop"):
			return "FailedAttempt-CollectAtParcelShop"
		case has("reschedul", "new delivery date", "choose a"):
			return "FailedAttempt-Reschedule"
		case has("next working day", "next business day", "next day", "another attempt", "new attempt", "second attempt", "again"):
			return "FailedAttempt-NewAttemptNextDay"
		}
		return "FailedAttempt-ContactCourier"
	case has("delay", "verzöger"):
		return "Exception-Delayed"
	}
	return "Exception-Other"
}

func transitCode(has func(...string) bool) string {
	switch {
	case has("out for delivery", "with delivery courier", "on its way to the recipient", "in zustellung", "loaded onto the delivery vehicle"):
		return "OutForDelivery"
	case has("ready for pickup", "ready for collection", "available for pickup", "available for collection", "awaiting collection", "zur abholung"):
		return "PickupReady"
	case has("customs", "zoll"):
		if has("cleared", "released", "clearance complete", "clearance completed", "freigegeben") {
			return "Customs-Cleared"
		}
		return "Customs-InProgress"
	case has("reschedul"):
		return "Delivery-Rescheduled"
	case has("scheduled for delivery", "delivery scheduled", "delivery date"):
		return "Delivery-Scheduled"
	case has("picked up", "pickup", "accepted", "dropped off", "posted", "eingeliefert", "abgeholt"):
		return "PickedUp"
	case has("delivery depot", "delivery base", "delivery facility", "zustellbasis"):
		return "Depot-Arrived"
	case has("departed", "left the", "departure", "verlassen"):
		return "Hub-Departed"
	case has("arrived", "arrival", "angekommen"):
		return "Hub-Arrived"
	case has("processed", "sorted", "sorting", "parcel center", "parcel centre", "hub", "facility", "bearbeitet"):
		return "Hub-Processed"
	case has("information received", "electronically", "label", "announced", "angekündigt"):
		return "InfoReceived"
	}
	return "InTransit"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
