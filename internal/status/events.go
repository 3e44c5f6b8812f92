package status

import (
	"reflect"
	"strconv"
	"strings"
)

// EventInput is one carrier event pushed to POST /v4/track/events/, naming its tracking by
// courier and tracking_number, or by account and order_number (single-parcel orders) or
// reference_number (a tracking's or its order's external reference).
type EventInput struct {
	Courier               string      `json:"courier"`
	TrackingNumber        string      `json:"tracking_number"`
	Account               int64       `json:"account"`
	OrderNumber           string      `json:"order_number"`
	ReferenceNumber       string      `json:"reference_number"`
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
	// parcelLab's names: event_status for status_code, event_details for status_details,
	// placeholder_value for delivery_extra_info.
	EventStatus      string `json:"event_status"`
	EventDetails     string `json:"event_details"`
	PlaceholderValue string `json:"placeholder_value"`
}

// resolveAliases moves parcelLab's names (event_status, event_details, placeholder_value)
// onto ours; both names with different values is a problem at the alias.
func (ev *EventInput) resolveAliases(p string, e *ValidationError) {
	for _, a := range []struct {
		alias, field *string
		name, of     string
	}{
		{&ev.EventStatus, &ev.StatusCode, "event_status", "status_code"},
		{&ev.EventDetails, &ev.StatusDetails, "event_details", "status_details"},
		{&ev.PlaceholderValue, &ev.DeliveryExtraInfo, "placeholder_value", "delivery_extra_info"},
	} {
		switch {
		case *a.alias == "":
		case *a.field == "":
			*a.field = *a.alias
		case *a.field != *a.alias:
			e.Add("invalid", join(p, a.name), "%s is another name for %s; send one of them.", a.name, a.of)
		}
		*a.alias = ""
	}
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
		ev.ReferenceNumber = strings.TrimSpace(ev.ReferenceNumber)
		ev.resolveAliases(strings.TrimSuffix(p, "."), e)
		byTracking := ev.Courier != "" && ev.TrackingNumber != ""
		byOrder := ev.Account != 0 && (ev.OrderNumber != "" || ev.ReferenceNumber != "")
		if !byTracking && !byOrder {
			e.Add("required", join(strings.TrimSuffix(p, "."), "tracking"), "Name the tracking with courier and tracking_number, or account and order_number or reference_number.")
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
				case "courier", "tracking_number", "account", "order_number", "reference_number":
					bad[pr.Attr[:i+1]+"tracking"] = true
				}
			} else {
				switch pr.Attr {
				case "courier", "tracking_number", "account", "order_number", "reference_number":
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
