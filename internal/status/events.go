package status

import (
	"reflect"
	"strconv"
	"strings"
)

// EventInput is one carrier event pushed to POST /v4/track/events/, naming its tracking by
// courier and tracking_number (or account and order_number for single-parcel orders).
type EventInput struct {
	Courier               string      `json:"courier"`
	TrackingNumber        string      `json:"tracking_number"`
	Account               int64       `json:"account"`
	OrderNumber           string      `json:"order_number"`
	EventTimestamp        string      `json:"event_timestamp"`
	StatusCode            string      `json:"status_code"`
	StatusText            string      `json:"status_text"`
	StatusDetails         string      `json:"status_details"`
	Location              string      `json:"location"`
	DeliveryLocationType  string      `json:"delivery_location_type"`
	DeliveryExtraInfo     string      `json:"delivery_extra_info"`
	EstimatedDeliveryDate *DateWindow `json:"estimated_delivery_date"`
	IsHidden              bool        `json:"is_hidden"`
	Timezone              string      `json:"timezone"`
}

// EventBatch is the batch form of the events body.
type EventBatch struct {
	Events []EventInput `json:"events"`
}

// Checkpoint returns the event as a checkpoint.
func (ev EventInput) Checkpoint() Checkpoint {
	return Checkpoint{StatusCode: ev.StatusCode, EventTimestamp: ev.EventTimestamp, StatusText: ev.StatusText,
		StatusDetails: ev.StatusDetails, IsHidden: ev.IsHidden, Location: ev.Location,
		DeliveryLocationType: ev.DeliveryLocationType, DeliveryExtraInfo: ev.DeliveryExtraInfo,
		EstimatedDeliveryDate: ev.EstimatedDeliveryDate, Timezone: ev.Timezone, Courier: ev.Courier}
}

// DecodeEvents parses one event or {"events":[…]} and validates each, reporting all problems.
func DecodeEvents(body []byte) ([]EventInput, error) {
	if verr := CheckJSONHygiene(body); verr != nil {
		return nil, verr
	}
	m, verr := parseObject(body)
	if verr != nil {
		return nil, verr
	}
	e := &ValidationError{}
	var evs []EventInput
	prefix := ""
	if _, batch := m["events"]; batch {
		var b EventBatch
		decodeStrict(body, reflect.ValueOf(&b).Elem(), "", e)
		evs = b.Events
		prefix = "events"
		if len(evs) == 0 && e.Err() == nil {
			e.Add("required", "events", "Send at least one event.")
		}
		if len(evs) > 1000 {
			e.Add("invalid", "events", "Send at most 1000 events per request.")
		}
	} else {
		var ev EventInput
		decodeStrict(body, reflect.ValueOf(&ev).Elem(), "", e)
		evs = []EventInput{ev}
	}
	// A wrongly typed value decodes as empty: the rule problems that follow from that are
	// dropped, so that the client reads "Must be a string.", not "required".
	nDecode := len(e.Problems)
	for i := range evs {
		ev := &evs[i]
		p := ""
		if prefix != "" {
			p = prefix + "[" + strconv.Itoa(i) + "]."
		}
		ev.Courier = strings.ToLower(strings.TrimSpace(ev.Courier))
		ev.TrackingNumber = strings.TrimSpace(ev.TrackingNumber)
		byTracking := ev.Courier != "" && ev.TrackingNumber != ""
		byOrder := ev.Account != 0 && ev.OrderNumber != ""
		if !byTracking && !byOrder {
			e.Add("required", join(strings.TrimSuffix(p, "."), "tracking"), "Name the tracking with courier and tracking_number, or account and order_number.")
		}
		c := ev.Checkpoint()
		ValidateCheckpoint(&c, strings.TrimSuffix(p, "."), e)
		ev.EventTimestamp, ev.Timezone = c.EventTimestamp, c.Timezone
	}
	if nDecode > 0 {
		bad := map[string]bool{}
		for _, pr := range e.Problems[:nDecode] {
			bad[pr.Attr] = true
			if i := strings.LastIndexByte(pr.Attr, '.'); i >= 0 {
				switch pr.Attr[i+1:] {
				case "courier", "tracking_number", "account", "order_number":
					bad[pr.Attr[:i+1]+"tracking"] = true
				}
			} else {
				switch pr.Attr {
				case "courier", "tracking_number", "account", "order_number":
					bad["tracking"] = true
				}
			}
		}
		kept := e.Problems[:nDecode]
		for _, pr := range e.Problems[nDecode:] {
			if !bad[pr.Attr] {
				kept = append(kept, pr)
			}
		}
		e.Problems = kept
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return evs, nil
}

// AddCheckpoints adds events to the tracking with id trackingID, skipping ones already stored.
// It returns how many were new.
func AddCheckpoints(o *Order, trackingID string, cps []Checkpoint) int {
	t := o.Tracking(trackingID)
	if t == nil {
		return 0
	}
	have := map[string]bool{}
	for _, c := range t.Checkpoints {
		have[c.DedupeKey()] = true
	}
	added := 0
	for _, c := range cps {
		if have[c.DedupeKey()] {
			continue
		}
		have[c.DedupeKey()] = true
		t.Checkpoints = append(t.Checkpoints, c)
		added++
	}
	t.Checkpoints = dedupeCheckpoints(t.Checkpoints)
	return added
}
