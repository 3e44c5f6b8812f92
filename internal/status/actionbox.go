package status

// ActionBox is what the shopper can do or expect next for a tracking.
type ActionBox struct {
	Type               string         `json:"type"`
	Label              string         `json:"label"`
	LabelCommunication string         `json:"label_communication"`
	LabelCaption       string         `json:"label_caption"`
	Address            string         `json:"address"`
	OpeningHours       []OpeningHours `json:"opening_hours"`
	Raw                *ActionRaw     `json:"raw"`
	// Additions: the pickup point's name and the link for live tracking or the next step;
	// a map of the pickup point from shopper level on.
	Name     string `json:"name"`
	URL      string `json:"url"`
	MapsLink string `json:"maps_link"`
}

// ActionRaw carries machine-readable dates and times of an action box.
type ActionRaw struct {
	EarliestDate *string `json:"earliest_date"`
	LatestDate   *string `json:"latest_date"`
	HasTime      bool    `json:"has_time"`
	EarliestTime *string `json:"earliest_time"`
	LatestTime   *string `json:"latest_time"`
}

func actionBox(o *Order, t *Tracking, vis []Checkpoint, cur Code, it InfoTracking, ps *ParcelSummary, opt InfoOptions) *ActionBox {
	T := func(key string, vars ...string) string { return opt.T(opt.Lang, key, vars...) }
	shopper := opt.Access.AtLeast(AccessShopper)
	switch {
	case cur.Lifecycle == Cancelled:
		return &ActionBox{Type: "next-action", Label: T("next_action.contact-merchant"), LabelCaption: T("lifecycle.Cancelled"), OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == Returned || (it.IsReturn && cur.Lifecycle != Pending):
		return &ActionBox{Type: "returned", Label: T("return.status"), LabelCommunication: statusText(opt, cur.Code), OpeningHours: []OpeningHours{}}
	case cur.NextAction == "collect-parcel" && t.PickupLocation != nil:
		pl := t.PickupLocation
		b := &ActionBox{Type: "pickup-location", Label: T("pickup.heading"), LabelCommunication: T("next_action.collect-parcel"),
			Name: pl.Name, OpeningHours: pl.OpeningHours, Raw: &ActionRaw{}}
		if b.OpeningHours == nil {
			b.OpeningHours = []OpeningHours{}
		}
		if pl.HoldUntil != "" {
			b.Raw.LatestDate = strp(pl.HoldUntil)
			// The summary's words: "Collect by …", or that the collection period has ended.
			b.LabelCaption = ps.Promise.Text
		}
		if len(vis) > 0 {
			b.Raw.EarliestDate = strp(vis[0].EventTimestamp[:10])
		}
		if shopper && pl.Address != nil {
			b.Address, b.MapsLink = FormatAddress(pl.Address), AddressMapsLink(pl.Address)
		}
		return b
	case cur.Lifecycle == PickupReady && ps.Next != nil:
		// Ready without a named place: the summary's next step (see the courier's notice).
		return nextActionBox(ps.Next)
	case cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt:
		return &ActionBox{Type: "next-action", Label: T("next_action." + cur.NextAction), LabelCaption: statusText(opt, cur.Code),
			URL: t.CourierRerouteURL, OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == Delivered:
		return &ActionBox{Type: "vote-courier", Label: T("feedback.heading"), OpeningHours: []OpeningHours{}}
	case cur.Lifecycle == OutForDelivery && t.CourierTrackingURL != "":
		b := &ActionBox{Type: "live-tracking", Label: T("live_tracking.link"), URL: t.CourierTrackingURL, OpeningHours: []OpeningHours{}}
		b.Raw = prediction(vis, it)
		return b
	case cur.Lifecycle == Pending || cur.Lifecycle == OrderProcessed:
		return &ActionBox{Type: "order-processed", Label: T("order_processed.text"), OpeningHours: []OpeningHours{}}
	}
	raw := prediction(vis, it)
	if raw == nil {
		// No date to promise: the summary's next step, else that nothing is needed.
		n := ps.Next
		if n == nil {
			n = waitStep(opt.T, opt.Lang)
		}
		return nextActionBox(n)
	}
	// The label is the parcel's promise as the summary words it: a passed window is a delay.
	return &ActionBox{Type: "prediction", Raw: raw, OpeningHours: []OpeningHours{}, Label: ps.Promise.Text}
}

// nextActionBox says a next step of the summary as an action box.
func nextActionBox(n *NextStep) *ActionBox {
	return &ActionBox{Type: "next-action", Label: n.Text, URL: n.LinkURL, OpeningHours: []OpeningHours{}}
}

// prediction is the expected delivery window: the newest carrier estimate, else the announced
// date or window.
func prediction(vis []Checkpoint, it InfoTracking) *ActionRaw {
	for _, c := range vis {
		if w := c.EstimatedDeliveryDate; w != nil && w.StartDate != "" {
			r := &ActionRaw{EarliestDate: strp(w.StartDate), LatestDate: strp(firstNonEmpty(w.EndDate, w.StartDate))}
			if w.StartTime != "" {
				r.HasTime = true
				r.EarliestTime, r.LatestTime = strp(w.StartTime), strp(firstNonEmpty(w.EndTime, w.StartTime))
			}
			return r
		}
	}
	if it.AnnouncedDeliveryMin != nil {
		return &ActionRaw{EarliestDate: it.AnnouncedDeliveryMin, LatestDate: firstPtr(it.AnnouncedDeliveryMax, it.AnnouncedDeliveryMin)}
	}
	if it.AnnouncedDeliveryDate != nil {
		return &ActionRaw{EarliestDate: it.AnnouncedDeliveryDate, LatestDate: it.AnnouncedDeliveryDate}
	}
	return nil
}

func firstPtr(a, b *string) *string {
	if a != nil {
		return a
	}
	return b
}
