package status

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Ingest is the write side of the product: it merges order payloads and carrier events into
// stored orders.
type Ingest struct {
	Store Store
	Now   func() time.Time
	// CheckCallbackURL, when set, vets a callback_url the client sends beyond its syntax (the
	// server refuses private addresses there). It returns the problem as shown to the client,
	// or "" when the URL is acceptable.
	CheckCallbackURL func(string) string
	// Couriers, when set, completes courier names and tracking pages the shop left empty.
	Couriers CourierDirectory
}

// Save creates or updates an order of acct from an ingest body. createOnly makes an existing
// order an ErrConflict. created reports whether the order is new.
func (in *Ingest) Save(ctx context.Context, acct Account, body []byte, createOnly bool) (*Order, bool, error) {
	s, err := in.SaveMutating(ctx, acct, body, createOnly)
	return s.Order, s.Created, err
}

// Saved is an order as Save stored it, with the answers to the mutations sent with it.
type Saved struct {
	Order   *Order
	Created bool
	// Mutations answer the body's mutations in order; nil when it sent none.
	Mutations []MutationResult
}

// SaveMutating is Save for a body that may carry mutations (parcelLab's v4 contract): the
// order's fields merge first, then each mutation applies or is answered with success false;
// the order is saved either way.
func (in *Ingest) SaveMutating(ctx context.Context, acct Account, body []byte, createOnly bool) (Saved, error) {
	p, err := DecodeOrder(body)
	if err != nil {
		return Saved{}, err
	}
	if p.Has("account") && p.Order.Account != acct.ID {
		return Saved{}, ErrForbidden
	}
	id := p.Identity()
	if id.ExternalOrderID == "" && id.OrderNumber == "" {
		// An order_number of the wrong type is "must be a string", not "required".
		e := p.decodeErr()
		if e == nil {
			e = &ValidationError{}
		}
		if !slices.ContainsFunc(e.Problems, func(p Problem) bool { return p.Attr == "order_number" || p.Attr == "external_order_id" }) {
			e.Add("required", "order_number", "This field is required.")
		}
		return Saved{}, e
	}
	holders, err := in.trackingHolders(ctx, acct.ID, p.mutations)
	if err != nil {
		return Saved{}, err
	}
	var results []MutationResult
	o, created, err := in.Store.SaveOrder(ctx, acct.ID, id, createOnly, func(existing *Order) (*Order, error) {
		now := in.Now()
		o, err := p.Merge(existing, acct.ID, now)
		results = nil // fn may run again (Store.SaveOrder)
		if err == nil && p.mutations != nil {
			results = applyMutations(o, p.mutations, now, holders)
		}
		if err == nil {
			in.completeCouriers(o)
		}
		if u := strings.TrimSpace(p.Order.CallbackURL); in.CheckCallbackURL != nil && p.Has("callback_url") && u != "" {
			if cerr := in.CheckCallbackURL(u); cerr != "" {
				var verr *ValidationError
				if errors.As(err, &verr) {
					if !slices.ContainsFunc(verr.Problems, func(p Problem) bool { return p.Attr == "callback_url" }) {
						verr.Add("invalid", "callback_url", "%s", cerr)
					}
					return nil, verr
				}
				if err == nil {
					return nil, Invalid("callback_url", "%s", cerr)
				}
			}
		}
		return o, err
	})
	return Saved{Order: o, Created: created, Mutations: results}, err
}

// EventsResult tells a carrier what happened to the events it sent.
type EventsResult struct {
	Received int `json:"received"`
	Stored   int `json:"stored"`
	// Duplicates were already stored and were skipped.
	Duplicates int `json:"duplicates"`
}

// AddEvents stores carrier events for trackings of acct. Events already stored are skipped.
func (in *Ingest) AddEvents(ctx context.Context, acct Account, body []byte) (EventsResult, error) {
	evs, err := DecodeEvents(body)
	if err != nil {
		return EventsResult{}, err
	}
	res := EventsResult{Received: len(evs)}
	// Resolve every event's tracking first, so that one unknown tracking rejects the whole
	// request before anything is written.
	targets := make([]trackingRef, len(evs))
	e := &ValidationError{}
	for i, ev := range evs {
		attr := fmt.Sprintf("events[%d]", i)
		if len(evs) == 1 {
			attr = "tracking_number"
		}
		t, err := in.resolveTracking(ctx, acct, ev)
		switch {
		case errors.Is(err, ErrNotFound):
			e.Add("not_found", attr, "No tracking %s of courier %s in this account.", ev.TrackingNumber, ev.Courier)
		case errors.Is(err, errAmbiguous):
			e.Add("invalid", attr, "Order %s has several trackings; name one with courier and tracking_number.", ev.OrderNumber)
		case err != nil:
			return res, err
		}
		targets[i] = t
	}
	if err := e.Err(); err != nil {
		return res, err
	}
	byOrder := map[string]map[string][]Checkpoint{}
	var orderIDs []string
	for i, ev := range evs {
		t := targets[i]
		if byOrder[t.orderID] == nil {
			byOrder[t.orderID] = map[string][]Checkpoint{}
			orderIDs = append(orderIDs, t.orderID)
		}
		byOrder[t.orderID][t.trackingID] = append(byOrder[t.orderID][t.trackingID], ev.Checkpoint())
	}
	for _, oid := range orderIDs {
		var stored int
		_, err := in.Store.UpdateOrder(ctx, oid, func(o *Order) (*Order, error) {
			stored = 0 // fn may run again (Store.UpdateOrder)
			for tid, cps := range byOrder[oid] {
				stored += AddCheckpoints(o, tid, cps)
			}
			o.UpdatedAt = FormatTimestamp(in.Now())
			return o, nil
		})
		if err != nil {
			return res, err
		}
		res.Stored += stored
	}
	res.Duplicates = res.Received - res.Stored
	return res, nil
}

var errAmbiguous = errors.New("ambiguous tracking")

// trackingRef names a tracking and its order.
type trackingRef struct{ orderID, trackingID string }

func (in *Ingest) resolveTracking(ctx context.Context, acct Account, ev EventInput) (trackingRef, error) {
	var r trackingRef
	if ev.Courier != "" && ev.TrackingNumber != "" {
		oid, tid, err := in.Store.FindTracking(ctx, acct.ID, ev.Courier, ev.TrackingNumber)
		if err != nil {
			return r, err
		}
		return trackingRef{oid, tid}, nil
	}
	if ev.Account != acct.ID {
		return r, ErrNotFound
	}
	l := Lookup{Kind: ByOrderNumber, Account: acct.ID, Value: ev.OrderNumber}
	if ev.OrderNumber == "" {
		l = Lookup{Kind: ByExternalReference, Account: acct.ID, Value: ev.ReferenceNumber}
	}
	limit := 1 // an order number names the newest order with it, as lookups do
	if l.Kind == ByExternalReference {
		limit = 2 // references need not be unique: two orders are ambiguous
	}
	ids, err := in.Store.FindOrderIDs(ctx, l, limit)
	if err != nil {
		return r, err
	}
	switch {
	case len(ids) == 0:
		return r, ErrNotFound
	case len(ids) > 1:
		return r, errAmbiguous
	}
	o, err := in.Store.Order(ctx, ids[0])
	if err != nil {
		return r, err
	}
	if l.Kind == ByExternalReference {
		// The tracking that carries the reference, else the order's only one.
		for _, t := range o.Trackings {
			if t.ExternalReference == ev.ReferenceNumber {
				return trackingRef{o.ID, t.ID}, nil
			}
		}
	}
	if len(o.Trackings) != 1 {
		return r, errAmbiguous
	}
	return trackingRef{o.ID, o.Trackings[0].ID}, nil
}
