// Package callback is the durable outbox of merchant callbacks (DESIGN §8): which order
// changes cause an event, how a delivery is signed, and the worker that POSTs due deliveries
// with retries. The store (internal/sqlite) writes events in the same transaction as the
// change that caused them, so that none is lost; the worker delivers each at least once.
package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Event names, sent as X-Orderstatus-Event.
const (
	// OrderAccepted: the order got its first tracking.
	OrderAccepted = "order.accepted"
	// OrderCancelled: the order was cancelled (cancelled_date or order_status, or every
	// tracking turned Cancelled).
	OrderCancelled = "order.cancelled"
	// TrackingStatusChanged: a tracking's lifecycle status changed.
	TrackingStatusChanged = "tracking.status_changed"
)

// Headers of a callback request.
const (
	HeaderEvent     = "X-Orderstatus-Event"
	HeaderDelivery  = "X-Orderstatus-Delivery"
	HeaderSignature = "X-Orderstatus-Signature"
)

// States of a delivery.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed"
)

// MaxAge is how long after its creation (or a manual retry) a delivery is retried before it
// is marked failed.
const MaxAge = 24 * time.Hour

// Change is one event an order change causes.
type Change struct {
	Event string
	// TrackingID names the tracking of a TrackingStatusChanged event.
	TrackingID string
}

// Changes returns the events that the change from prev (nil for a new order) to next causes:
// OrderAccepted when next has trackings and prev had none; OrderCancelled when next is
// cancelled and prev was not; TrackingStatusChanged for every tracking whose lifecycle
// status (status.CurrentCode) differs from before. A tracking new to the order counts as
// Pending before, and causes no event when the order is accepted by the same change (the
// accepted payload shows it). A tracking turning Cancelled with its order is reported by
// OrderCancelled alone.
func Changes(prev, next *status.Order) []Change {
	var out []Change
	accepted := len(next.Trackings) > 0 && (prev == nil || len(prev.Trackings) == 0)
	if accepted {
		out = append(out, Change{Event: OrderAccepted})
	}
	cancelled := cancelled(next) && (prev == nil || !cancelled(prev))
	if cancelled {
		out = append(out, Change{Event: OrderCancelled})
	}
	if accepted {
		return out
	}
	for i := range next.Trackings {
		t := &next.Trackings[i]
		after := status.CurrentCode(next, t).Lifecycle
		before := status.Pending
		if prev != nil {
			if pt := prev.Tracking(t.ID); pt != nil {
				before = status.CurrentCode(prev, pt).Lifecycle
			}
		}
		if after == before || (cancelled && after == status.Cancelled) {
			continue
		}
		out = append(out, Change{Event: TrackingStatusChanged, TrackingID: t.ID})
	}
	return out
}

// cancelled is the one cancellation rule, status.Order.Cancelled.
func cancelled(o *status.Order) bool { return o.Cancelled() }

// TargetURL is where an order's callbacks go: its own callback_url, else its account's; ""
// means the order has no callbacks.
func TargetURL(o *status.Order, a status.Account) string {
	if o.CallbackURL != "" {
		return o.CallbackURL
	}
	return a.CallbackURL
}

// Sign returns the X-Orderstatus-Signature value for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrBadSignature = errors.New("callback signature does not match")
	ErrStale        = errors.New("callback signature timestamp outside the tolerance")
)

// Verify checks a signature header as a receiver should: the v1 HMAC of "<t>.<body>" must
// match (constant-time) and t must lie within tolerance of now, which stops replays.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			ok = true
		}
	}
	if !ok {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}

// Delivery is one event to deliver and its attempts, as the delivery log shows it (API and
// support console).
type Delivery struct {
	ID         string `json:"id"`
	OrderID    string `json:"order_id"`
	TrackingID string `json:"tracking_id"`
	Event      string `json:"event"`
	URL        string `json:"url"`
	// State is pending, delivered or failed.
	State     string `json:"state"`
	CreatedAt string `json:"created_at"`
	// NextAttemptAt is when a pending delivery is tried next; "" otherwise.
	NextAttemptAt string `json:"next_attempt_at"`
	// ExpiresAt is when a pending delivery is given up.
	ExpiresAt   string    `json:"expires_at"`
	DeliveredAt string    `json:"delivered_at"`
	Attempts    []Attempt `json:"attempts"`
}

// Attempt is one try to deliver.
type Attempt struct {
	No         int    `json:"attempt"`
	At         string `json:"at"`
	DurationMS int64  `json:"duration_ms"`
	// StatusCode is the receiver's HTTP status; 0 when no response arrived.
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
}
