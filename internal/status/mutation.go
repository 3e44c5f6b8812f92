package status

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"time"
)

// Mutation types of parcelLab's v4 contract, sent as "mutations" on PUT /v4/track/orders/.
const (
	MutationAddTracking     = "add_tracking"
	MutationCancelTracking  = "cancel_tracking"
	MutationCancelOrder     = "cancel_order"
	MutationChangeQuantity  = "change_line_item_quantity"
	MutationAddLineItem     = "add_line_item"
	MutationReplaceLineItem = "replace_line_item"
)

// MutationTypes lists every mutation type.
var MutationTypes = []string{MutationAddTracking, MutationCancelTracking, MutationCancelOrder,
	MutationChangeQuantity, MutationAddLineItem, MutationReplaceLineItem}

// Mutation is one change to an order besides its fields: a tracking added or cancelled, the
// order cancelled, a line item added, replaced or given a new absolute quantity (0 cancels it).
type Mutation struct {
	Type string `json:"type"`
	// add_tracking
	Tracking *Tracking `json:"tracking"`
	// cancel_tracking
	Courier        string `json:"courier"`
	TrackingNumber string `json:"tracking_number"`
	// cancel_order (cancelled_date defaults to now)
	CancelledDate      string `json:"cancelled_date"`
	CancellationReason string `json:"cancellation_reason"`
	// change_line_item_quantity, replace_line_item
	LineItemID string `json:"line_item_id"`
	Quantity   *int   `json:"quantity"`
	// add_line_item, replace_line_item
	Article *Article `json:"article"`
}

// MutationResult answers one mutation. Success false means the order was saved without it.
type MutationResult struct {
	Type   string  `json:"type"`
	Result Outcome `json:"result"`
}

// Outcome is whether a mutation applied, why not (errors by attribute) and what to note.
type Outcome struct {
	Success  bool                `json:"success"`
	Message  string              `json:"message"`
	Errors   map[string][]string `json:"errors"`
	Warnings []string            `json:"warnings"`
}

// trackingHolders finds which orders of the account hold the trackings that add_tracking
// mutations add (see applyMutations).
func (in *Ingest) trackingHolders(ctx context.Context, account int64, muts []Mutation) (map[string]string, error) {
	var out map[string]string
	for _, mu := range muts {
		if mu.Type != MutationAddTracking || mu.Tracking == nil || mu.Tracking.TrackingNumber == "" {
			continue
		}
		id, _, err := in.Store.FindTracking(ctx, account, mu.Tracking.Courier, mu.Tracking.TrackingNumber)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]string{}
		}
		out[trackingKey(mu.Tracking.Courier, mu.Tracking.TrackingNumber)] = id
	}
	return out, nil
}

// splitMutations removes "mutations" from an ingest body and decodes them, reporting unknown
// fields and wrong types under mutations[i]. The body without them is returned.
func splitMutations(body []byte, e *ValidationError) ([]byte, []Mutation) {
	if !bytes.Contains(body, []byte(`"mutations"`)) {
		return body, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body, nil
	}
	raw, ok := m["mutations"]
	if !ok {
		return body, nil
	}
	delete(m, "mutations")
	rest, err := json.Marshal(m)
	if err != nil {
		return body, nil
	}
	var muts []Mutation
	decodeStrict(raw, reflect.ValueOf(&muts).Elem(), "mutations", e)
	for i, mu := range muts {
		checkEnum(mu.Type, MutationTypes, "mutations["+strconv.Itoa(i)+"].type", e)
		if mu.Type == "" {
			e.Add("required", "mutations["+strconv.Itoa(i)+"].type", "This field is required.")
		}
	}
	return rest, muts
}

// applyMutations applies each mutation to o in turn: one that fails (a duplicate tracking,
// an unknown line item, a value the order's rules refuse) is answered with success false and
// leaves o as it was; the others apply.
// holders names, for each tracking an add_tracking mutation adds, the order of the account
// that already holds it (trackingKey → order id); such a mutation is refused, since a
// tracking number belongs to one order of an account.
func applyMutations(o *Order, muts []Mutation, now time.Time, holders map[string]string) []MutationResult {
	out := make([]MutationResult, 0, len(muts))
	for _, mu := range muts {
		c := o.Clone()
		msg := ""
		if mu.Type == MutationAddTracking && mu.Tracking != nil {
			if h := holders[trackingKey(mu.Tracking.Courier, mu.Tracking.TrackingNumber)]; h != "" && h != o.ID {
				msg = "Another order of this account already has this tracking."
			}
		}
		if msg == "" {
			msg = mu.apply(&c, now)
		}
		res := MutationResult{Type: mu.Type, Result: Outcome{Errors: map[string][]string{}, Warnings: []string{}}}
		if msg == "" {
			e := &ValidationError{}
			Validate(&c, e)
			for _, p := range e.Problems {
				res.Result.Errors[p.Attr] = append(res.Result.Errors[p.Attr], p.Detail)
			}
			if len(e.Problems) > 0 {
				msg = "The order's rules refuse this change."
			}
		}
		if msg != "" {
			res.Result.Message = msg
		} else {
			res.Result.Success, res.Result.Message = true, "Applied."
			finish(&c, now)
			*o = c
		}
		out = append(out, res)
	}
	return out
}

// apply changes o and returns "" or why the mutation cannot apply.
func (mu Mutation) apply(o *Order, now time.Time) string {
	switch mu.Type {
	case MutationAddTracking:
		if mu.Tracking == nil {
			return "Send the tracking to add."
		}
		t := *mu.Tracking
		for _, have := range o.Trackings {
			if trackingKey(have.Courier, have.TrackingNumber) == trackingKey(t.Courier, t.TrackingNumber) {
				return "The order already has this tracking."
			}
		}
		t.ID = ""
		o.Trackings = append(o.Trackings, t)
	case MutationCancelTracking:
		for i := range o.Trackings {
			t := &o.Trackings[i]
			if trackingKey(t.Courier, t.TrackingNumber) == trackingKey(mu.Courier, mu.TrackingNumber) {
				t.Checkpoints = append(t.Checkpoints, Checkpoint{StatusCode: "Cancelled", EventTimestamp: FormatTimestamp(now)})
				return ""
			}
		}
		return "The order has no such tracking."
	case MutationCancelOrder:
		o.OrderStatus = "Cancelled"
		o.CancelledDate = firstNonEmpty(mu.CancelledDate, FormatTimestamp(now))
		if mu.CancellationReason != "" {
			o.CancellationReason = mu.CancellationReason
		}
	case MutationChangeQuantity:
		a := o.lineItem(mu.LineItemID)
		switch {
		case a == nil:
			return "The order has no such line item."
		case mu.Quantity == nil:
			return "Send the new quantity."
		}
		a.Quantity = *mu.Quantity
	case MutationAddLineItem:
		if mu.Article == nil {
			return "Send the line item to add."
		}
		if o.lineItem(mu.Article.LineItemID) != nil {
			return "The order already has this line item."
		}
		o.ArticlesOrder = append(o.ArticlesOrder, *mu.Article)
	case MutationReplaceLineItem:
		a := o.lineItem(mu.LineItemID)
		switch {
		case a == nil:
			return "The order has no such line item."
		case mu.Article == nil:
			return "Send the line item that replaces it."
		}
		*a = *mu.Article
		if a.LineItemID == "" {
			a.LineItemID = mu.LineItemID
		}
	}
	return ""
}

// lineItem returns the order's line item with that id, or nil.
func (o *Order) lineItem(id string) *Article {
	for i := range o.ArticlesOrder {
		if id != "" && o.ArticlesOrder[i].LineItemID == id {
			return &o.ArticlesOrder[i]
		}
	}
	return nil
}
