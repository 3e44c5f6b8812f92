package auth

import (
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Redact returns what a caller at level may see of an order (DESIGN §5). Every surface
// (info API, page, widget, alt text, chooser rows) derives from the order the access service
// redacted, so none of them can show more than another. The stored order is never modified.
//
//   - full: everything, hidden checkpoints included.
//   - shopper: no hidden checkpoints and no internal fields (callback URL, tracking
//     attributes meant for the shop's systems, merchant location and invoice, is_critical,
//     additional recipients, shipping labels and courier pickup windows);
//     names, addresses, articles, proof of delivery, cash amounts, the customer location
//     and the free text of carriers and the shop are shown.
//   - public: the status only. No personal data, no amounts, and no free text written by a
//     carrier or a shop (status details, delivery extra info, the carrier's status text,
//     notes, pickup point names and addresses); the status table's
//     own texts remain. Checkpoint locations are kept for hub and transit scans, but from the
//     first "out for delivery" (or later) event on only the country is kept, since last-mile
//     locations tell where the shopper lives.
func Redact(o *status.Order, level status.Access) *status.Order {
	if level == status.AccessFull {
		return o
	}
	r := *o
	r.CallbackURL = ""
	// The shop's internal references are for the shop and the console only.
	r.IsCritical, r.MerchantLocation, r.MerchantInvoice = false, 0, ""
	// Further recipients are other people's addresses, kept for the shop's messages.
	r.AdditionalRecipients = nil
	r.Trackings = make([]status.Tracking, len(o.Trackings))
	for i := range o.Trackings {
		t := o.Trackings[i]
		t.AdditionalAttributes = nil
		// The label and the courier's pickup at the shop are the shop's business.
		t.ShippingLabel, t.CourierPickup = nil, nil
		t.Checkpoints = visibleCheckpoints(t.Checkpoints)
		r.Trackings[i] = t
	}
	if level == status.AccessShopper {
		return &r
	}
	r.RecipientEmail, r.RecipientName, r.CustomerNumber, r.InvoiceNumber = "", "", "", ""
	r.PaymentMethod, r.PaymentState, r.PaymentDetails = "", "", nil
	r.OrderAmountTotal, r.TaxAmount, r.NetAmount, r.DiscountAmount = "", "", "", ""
	r.COD, r.Notes, r.Tags = nil, "", nil
	r.Description, r.ReturnReason, r.DeliveryFee, r.SecondaryPhoneNumber, r.CustomerLocation = "", "", nil, "", nil
	r.ExternalOrderID, r.ExternalReference = "", ""
	r.ArticlesOrder, r.BillingAddress = nil, nil
	for i := range r.Trackings {
		t := &r.Trackings[i]
		t.RecipientPostalCode, t.ShippingAddress, t.Articles = "", nil, nil
		t.IdentifiersConsignment, t.PODIdentifier, t.PODSignature, t.PODDate = "", "", "", ""
		t.ExternalReference = ""
		if pl := t.PickupLocation; pl != nil {
			t.PickupLocation = &status.PickupLocation{OpeningHours: pl.OpeningHours, HoldUntil: pl.HoldUntil}
		}
		t.Checkpoints = publicCheckpoints(t.Checkpoints)
	}
	return &r
}

// visibleCheckpoints returns a copy of cps without hidden checkpoints.
func visibleCheckpoints(cps []status.Checkpoint) []status.Checkpoint {
	out := make([]status.Checkpoint, 0, len(cps))
	for _, c := range cps {
		if !c.IsHidden {
			out = append(out, c)
		}
	}
	return out
}

// publicCheckpoints strips free text from checkpoints (newest first) and coarsens the
// locations of the last mile to the country.
func publicCheckpoints(cps []status.Checkpoint) []status.Checkpoint {
	// The last mile starts at the oldest event at the "out for delivery" step or later.
	lastMile := -1 // index of that event; -1 when the parcel has not reached the last mile
	for i := len(cps) - 1; i >= 0; i-- {
		if code, ok := status.LookupCode(cps[i].StatusCode); ok && code.Step >= status.StepLastMile {
			lastMile = i
			break
		}
	}
	for i := range cps {
		c := &cps[i]
		c.StatusText, c.StatusDetails, c.DeliveryExtraInfo = "", "", ""
		if i <= lastMile {
			c.Location = countryOf(c.Location)
		}
	}
	return cps
}

// countryOf returns the trailing country code of a location such as "Bristol Depot, GB", or
// "" when it has none.
func countryOf(loc string) string {
	i := strings.LastIndexByte(loc, ',')
	if i < 0 {
		return ""
	}
	c := strings.TrimSpace(loc[i+1:])
	if len(c) < 2 || len(c) > 3 || strings.ToUpper(c) != c {
		return ""
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return ""
		}
	}
	return c
}
