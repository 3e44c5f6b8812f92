package status

// SummaryDocument is a Summary as the info document and the order body (and so callbacks)
// carry it: absolute dates only, since it is stored and read later.
type SummaryDocument struct {
	Headline     string                `json:"headline"`
	Tone         string                `json:"tone"`
	State        Lifecycle             `json:"state"`
	IsCancelled  bool                  `json:"is_cancelled"`
	Couriers     []string              `json:"couriers"`
	Promise      PromiseDocument       `json:"promise"`
	Banner       *string               `json:"banner"`
	Cancellation *CancellationDocument `json:"cancellation"`
	Alt          string                `json:"alt"`
	Parcels      []ParcelDocument      `json:"parcels"`
}

// PromiseDocument is a Promise in a document.
type PromiseDocument struct {
	Kind      PromiseKind `json:"kind"`
	Source    string      `json:"source"`
	Start     *string     `json:"start_date"`
	End       *string     `json:"end_date"`
	StartTime *string     `json:"start_time"`
	EndTime   *string     `json:"end_time"`
	Text      string      `json:"text"`
}

// CancellationDocument is a Cancellation in a document.
type CancellationDocument struct {
	Date     *string   `json:"date"`
	Text     string    `json:"text"`
	Reason   *string   `json:"reason"`
	NextStep *NextStep `json:"next_step"`
}

// ParcelDocument is a ParcelSummary in a document.
type ParcelDocument struct {
	TrackingID string          `json:"tracking_id"`
	StatusCode string          `json:"status_code"`
	Title      string          `json:"title"`
	Tone       string          `json:"tone"`
	Journey    Journey         `json:"journey"`
	Step       int             `json:"step"`
	Steps      []Step          `json:"steps"`
	Problem    bool            `json:"problem"`
	Complete   bool            `json:"complete"`
	Promise    PromiseDocument `json:"promise"`
	NextStep   *NextStep       `json:"next_step"`
}

func (p Promise) document() PromiseDocument {
	return PromiseDocument{Kind: p.Kind, Source: p.Source, Start: strp(p.Start), End: strp(p.End),
		StartTime: strp(p.StartTime), EndTime: strp(p.EndTime), Text: p.Text}
}

// Document is the summary as documents carry it.
func (s *Summary) Document() SummaryDocument {
	d := SummaryDocument{Headline: s.Headline.Text, Tone: s.Tone, State: s.State, IsCancelled: s.Cancelled,
		Couriers: s.Couriers, Promise: s.Promise.document(), Alt: s.Alt, Parcels: []ParcelDocument{}}
	if d.Couriers == nil {
		d.Couriers = []string{}
	}
	if s.Banner != nil {
		d.Banner = &s.Banner.Text
	}
	if c := s.Cancellation; c != nil {
		d.Cancellation = &CancellationDocument{Date: strp(c.Date), Text: c.Text, Reason: strp(c.Reason), NextStep: c.Next}
	}
	for _, ps := range s.Parcels {
		steps := ps.Steps
		if steps == nil {
			steps = []Step{}
		}
		d.Parcels = append(d.Parcels, ParcelDocument{TrackingID: ps.TrackingID, StatusCode: ps.Code.Code, Title: ps.Title, Tone: ps.Tone,
			Journey: ps.Journey, Step: ps.Current, Steps: steps, Problem: ps.Problem, Complete: ps.Complete,
			Promise: ps.Promise.document(), NextStep: ps.Next})
	}
	return d
}

// PayloadVersion is the version of the order body's shape (GET /v4/track/orders/{id}/ and
// callbacks); 2 added is_cancelled, accepted and summary; 3 added delivery_state and
// tracking_link, and empty lists as [] instead of null.
const PayloadVersion = 3

// OrderBody is the body of GET /v4/track/orders/{id}/ and of every callback: the order as
// stored, with its derived state.
type OrderBody struct {
	*Order
	IsCancelled    bool            `json:"is_cancelled"`
	Accepted       bool            `json:"accepted"`
	PayloadVersion int             `json:"payload_version"`
	Summary        SummaryDocument `json:"summary"`
	// DeliveryState is the 003_… delivery_state of the order, derived from its lifecycle.
	DeliveryState string `json:"delivery_state"`
	// TrackingLink is the signed shopper link (auth.TrackingLink); API responses carry it,
	// callbacks written by the store carry null.
	TrackingLink *string `json:"tracking_link"`
}

// NewOrderBody derives the order body of o: its summary at full access with absolute dates.
func NewOrderBody(o *Order, opt SummaryOptions) OrderBody {
	opt.Access, opt.OnlyTracking = AccessFull, ""
	s := Summarize(o, opt)
	return OrderBody{Order: o.withLists(), IsCancelled: s.Cancelled, Accepted: len(o.Trackings) > 0, PayloadVersion: PayloadVersion,
		Summary: s.Document(), DeliveryState: DeliveryState(s.State)}
}

// withLists returns a copy of o whose lists are [] rather than null, as the reference
// documents show them; o is not modified.
func (o *Order) withLists() *Order {
	c := *o
	c.Tags = orEmpty(c.Tags)
	c.COD = orEmpty(c.COD)
	c.DeliveryFee = orEmpty(c.DeliveryFee)
	c.AdditionalRecipients = orEmpty(c.AdditionalRecipients)
	c.ArticlesOrder = make([]Article, len(o.ArticlesOrder))
	for j, a := range o.ArticlesOrder {
		c.ArticlesOrder[j] = a.withLists()
	}
	c.Trackings = make([]Tracking, len(o.Trackings))
	for i, t := range o.Trackings {
		t.Checkpoints = orEmpty(t.Checkpoints)
		arts := make([]Article, len(t.Articles))
		for j, a := range t.Articles {
			arts[j] = a.withLists()
		}
		t.Articles = arts
		c.Trackings[i] = t
	}
	return &c
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
