package status

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Identity names an order within an account: its external_order_id when given, otherwise its
// order_number and client_key.
type Identity struct {
	ExternalOrderID string
	OrderNumber     string
	ClientKey       string
}

// OrderPayload is a decoded ingest body: the typed order and which keys the client sent, so
// that an update keeps what it omits.
type OrderPayload struct {
	Order   Order
	present map[string]bool
	// trackingKeys[i] lists the keys sent for Order.Trackings[i].
	trackingKeys []map[string]bool
	// decodeProblems are unknown fields and wrongly typed values; Merge reports them together
	// with the rule violations so that a client sees every problem at once.
	decodeProblems []Problem
	// mutations were sent beside the order's fields (nil when the body had none).
	mutations []Mutation
}

// Identity returns the identity the payload names.
func (p *OrderPayload) Identity() Identity {
	return Identity{ExternalOrderID: strings.TrimSpace(p.Order.ExternalOrderID),
		OrderNumber: strings.TrimSpace(p.Order.OrderNumber), ClientKey: strings.TrimSpace(p.Order.ClientKey)}
}

// decodeErr returns the unknown fields and wrongly typed values of the payload, or nil.
func (p *OrderPayload) decodeErr() *ValidationError {
	if len(p.decodeProblems) == 0 {
		return nil
	}
	return &ValidationError{Problems: append([]Problem(nil), p.decodeProblems...)}
}

// Has reports whether the client sent key at the top level.
func (p *OrderPayload) Has(key string) bool { return p.present[key] }

// DecodeOrder parses an ingest body. A body that is not a JSON object, and one that fails
// CheckJSONHygiene, is an error here; unknown fields and wrongly typed values are reported by
// Merge with the other problems.
func DecodeOrder(body []byte) (*OrderPayload, error) {
	if verr := CheckJSONHygiene(body); verr != nil {
		return nil, verr
	}
	p := &OrderPayload{}
	me := &ValidationError{}
	body, p.mutations = splitMutations(body, me)
	defer func() { p.decodeProblems = append(p.decodeProblems, me.Problems...) }()
	// Fast path: one strict pass of encoding/json, then the sent keys read off the bytes.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.Order); err == nil && len(bytes.TrimSpace(body[dec.InputOffset():])) == 0 {
		if top, trackings, ok := sentKeys(body); ok {
			p.present, p.trackingKeys = top, trackings
			return p, nil
		}
	}
	// A body the strict pass rejects is walked field by field, to report every problem with
	// its path.
	if _, verr := parseObject(body); verr != nil {
		return nil, verr
	}
	e := &ValidationError{}
	p.Order = Order{}
	decodeStrict(body, reflect.ValueOf(&p.Order).Elem(), "", e)
	p.present, p.trackingKeys, _ = sentKeys(body)
	p.decodeProblems = e.Problems
	return p, nil
}

// Merge applies the payload to existing (nil for a new order) and returns the validated result.
// Keys the payload omits keep their stored values; trackings merge by courier and
// tracking_number; checkpoints are added idempotently; a given article list replaces the old one.
func (p *OrderPayload) Merge(existing *Order, account int64, now time.Time) (*Order, error) {
	var out Order
	if existing != nil {
		out = existing.Clone()
	}
	src := reflect.ValueOf(&p.Order).Elem()
	dst := reflect.ValueOf(&out).Elem()
	orderFields := structFields(src.Type())
	for k := range p.present {
		if k == "trackings" || readOnly[k] {
			continue
		}
		if i, ok := orderFields[k]; ok {
			dst.Field(i).Set(src.Field(i))
		}
	}
	e := &ValidationError{}
	if p.present["account"] && p.Order.Account != account {
		e.Add("invalid", "account", "The account %d does not match your API token's account.", p.Order.Account)
	}
	out.Account = account
	trackingFields := structFields(reflect.TypeFor[Tracking]())
	seen := map[string]int{}
	for i, in := range p.Order.Trackings {
		key := trackingKey(in.Courier, in.TrackingNumber)
		if j, dup := seen[key]; dup {
			e.Add("duplicate", "trackings["+strconv.Itoa(i)+"]", "Duplicate of trackings[%d]: courier and tracking_number must be unique within an order.", j)
			continue
		}
		seen[key] = i
		idx := -1
		for j := range out.Trackings {
			if trackingKey(out.Trackings[j].Courier, out.Trackings[j].TrackingNumber) == key {
				idx = j
				break
			}
		}
		if idx < 0 {
			in.ID = ""
			out.Trackings = append(out.Trackings, in)
			continue
		}
		cur := &out.Trackings[idx]
		sv, dv := reflect.ValueOf(&in).Elem(), reflect.ValueOf(cur).Elem()
		var keys map[string]bool
		if i < len(p.trackingKeys) {
			keys = p.trackingKeys[i]
		}
		for k := range keys {
			if readOnly[k] || k == "checkpoints" {
				continue
			}
			if fi, ok := trackingFields[k]; ok {
				dv.Field(fi).Set(sv.Field(fi))
			}
		}
		cur.Checkpoints = append(cur.Checkpoints, in.Checkpoints...)
	}
	if existing == nil {
		out.ID = ""
		out.CreatedAt = ""
	}
	Validate(&out, e)
	if p.present["number_of_packages"] && p.Order.NumberOfPackages == 0 {
		// 0 is how an order without the field decodes; sent, it is refused as 003_… says.
		e.Add("invalid", "number_of_packages", "Ensure this value is greater than or equal to 1.")
	}
	if len(p.decodeProblems) > 0 {
		// A wrongly typed value decodes as empty; drop the rule problems that follow from that.
		bad := map[string]bool{}
		for _, pr := range p.decodeProblems {
			bad[pr.Attr] = true
		}
		all := append([]Problem{}, p.decodeProblems...)
		for _, pr := range e.Problems {
			if !bad[pr.Attr] {
				all = append(all, pr)
			}
		}
		e.Problems = all
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	finish(&out, now)
	return &out, nil
}

// finish assigns ids, removes duplicate checkpoints and sorts them newest first.
func finish(o *Order, now time.Time) {
	if o.ID == "" {
		o.ID = NewID("o")
	}
	ts := FormatTimestamp(now)
	if o.CreatedAt == "" {
		o.CreatedAt = ts
	}
	o.UpdatedAt = ts
	for i := range o.Trackings {
		t := &o.Trackings[i]
		if t.ID == "" {
			t.ID = NewID("t")
		}
		t.Checkpoints = dedupeCheckpoints(t.Checkpoints)
	}
}

func dedupeCheckpoints(cps []Checkpoint) []Checkpoint {
	seen := map[string]bool{}
	out := cps[:0]
	for _, c := range cps {
		k := c.DedupeKey()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].EventTimestamp > out[j].EventTimestamp })
	return out
}

// DedupeKey identifies an event: the same event sent twice is stored once.
func (c Checkpoint) DedupeKey() string {
	return c.EventTimestamp + "\x00" + c.StatusCode + "\x00" + c.Location + "\x00" + c.StatusDetails
}

func trackingKey(courier, number string) string {
	return strings.ToLower(strings.TrimSpace(courier)) + "\x00" + strings.TrimSpace(number)
}

// NewID returns an opaque, URL-safe id with a short prefix ("o" for orders, "t" for
// trackings), never equal to "info": 48 bits of milliseconds since the Unix epoch, then 64
// random bits. The time prefix makes new rows append to the end of the id indexes instead of
// landing on random pages (which dirtied dozens of pages per order); the random part keeps
// ids unguessable.
func NewID(prefix string) string {
	var b [14]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err)
	}
	return prefix + "_" + strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// Clone returns a deep copy of the order (slices are copied; nested values are immutable once
// stored).
func (o *Order) Clone() Order {
	b, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	var c Order
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return c
}

func sortStrings(s []string) { sort.Strings(s) }

// Tracking returns the tracking with the given id, or nil.
func (o *Order) Tracking(id string) *Tracking {
	for i := range o.Trackings {
		if o.Trackings[i].ID == id {
			return &o.Trackings[i]
		}
	}
	return nil
}
