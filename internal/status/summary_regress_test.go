package status_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

func demoOrder(t *testing.T, number string) *status.Order {
	t.Helper()
	for _, o := range demoOrders(t) {
		if o.OrderNumber == number {
			return o
		}
	}
	t.Fatalf("demo has no %s", number)
	return nil
}

func infoOf(o *status.Order, now time.Time, access status.Access) *status.Info {
	return status.BuildInfo(o, status.InfoOptions{Access: access, Lang: "en", Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort, Shop: shop})
}

// The multi-parcel headline counts parcels by state and names what happens next; it no
// longer repeats the least advanced parcel ("Left the sorting centre"), and "Shipped with"
// names every carrier.
func TestSummaryMultiParcelHeadline(t *testing.T) {
	s := summarize(demoOrder(t, "A-1006"), demoNow, status.AccessShopper)
	if got, want := s.Headline.Today, "1 of 3 delivered · 1 arriving today"; got != want {
		t.Errorf("headline for today %q, want %q", got, want)
	}
	if got, want := s.Headline.Text, "1 of 3 delivered · 1 arriving Thu 15 Jan"; got != want {
		t.Errorf("headline %q, want %q", got, want)
	}
	if strings.Contains(s.Alt, "sorting centre") || strings.Contains(s.Alt, "Expected") {
		t.Errorf("alt %q repeats one parcel's state or promise", s.Alt)
	}
	if got := strings.Join(s.Couriers, ", "); got != "Royal Mail, DPD UK, UPS" {
		t.Errorf("couriers %q, want all three", got)
	}
	if s.Promise.Kind != status.PromiseNone {
		t.Errorf("order promise %v for several parcels; the headline says what is next", s.Promise)
	}
}

// A promise whose window has passed is a delay with the old date, never "Expected".
func TestSummaryPassedPromiseIsLate(t *testing.T) {
	tests := []struct{ order, want string }{
		{"A-1008", "Was due Wed 14 Jan — running late"},
		{"A-1010", "Was due Mon 12 Jan — running late"},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			s := summarize(demoOrder(t, tt.order), demoNow, status.AccessShopper)
			p := s.Parcels[0].Promise
			if p.Kind != status.PromiseLate || p.Text != tt.want || p.Today != tt.want {
				t.Errorf("promise %s %q / %q, want late %q", p.Kind, p.Text, p.Today, tt.want)
			}
			info := infoOf(demoOrder(t, tt.order), demoNow, status.AccessShopper)
			if ab := info.Trackings[0].ActionBox; ab != nil && strings.Contains(ab.Label, "Expected") {
				t.Errorf("info action box still says %q", ab.Label)
			}
		})
	}
}

// One banner per order, the most urgent: A-1008 (address problem, late) used to stack two.
func TestSummaryOneBanner(t *testing.T) {
	tests := []struct{ order, key string }{
		{"A-1008", "banner.exception"},
		{"A-1010", "banner.delayed"},
		{"A-1011", "banner.cancelled"},
		{"A-1009", "banner.return"},
		{"A-1002", ""},
	}
	for _, tt := range tests {
		s := summarize(demoOrder(t, tt.order), demoNow, status.AccessShopper)
		got := ""
		if s.Banner != nil {
			got = s.Banner.Key
		}
		if got != tt.key {
			t.Errorf("%s: banner %q, want %q", tt.order, got, tt.key)
		}
	}
}

func labels(ps status.ParcelSummary) []string {
	var out []string
	for _, s := range ps.Steps {
		out = append(out, s.Label)
	}
	return out
}

// Each journey has its own steps: returns are not shown "in transit" with "Out for delivery"
// and "Delivered" to come, a cancelled order has no steps, an exception keeps the step the
// parcel reached, and a delivered parcel's last step is done.
func TestSummaryJourneysHaveTheirOwnSteps(t *testing.T) {
	for _, number := range []string{"A-1009", "A-1012"} {
		ps := summarize(demoOrder(t, number), demoNow, status.AccessShopper).Parcels[0]
		got := strings.Join(labels(ps), ", ")
		if ps.Journey != status.JourneyReturn || strings.Contains(got, "Out for delivery") || strings.Contains(got, "Delivered") {
			t.Errorf("%s: journey %s, steps %s", number, ps.Journey, got)
		}
		if ps.Steps[ps.Current-1].Label != "On the way back" || ps.Steps[ps.Current-1].State != status.StepCurrent {
			t.Errorf("%s: current step %+v, want on the way back", number, ps.Steps[ps.Current-1])
		}
	}
	c := summarize(demoOrder(t, "A-1011"), demoNow, status.AccessShopper)
	if ps := c.Parcels[0]; ps.Journey != status.JourneyCancelled || len(ps.Steps) != 0 || ps.Current != 0 {
		t.Errorf("cancelled: journey %s, %d steps, current %d", ps.Journey, len(ps.Steps), ps.Current)
	}
	ex := summarize(demoOrder(t, "A-1008"), demoNow, status.AccessShopper).Parcels[0]
	if ex.Current != 4 || ex.Steps[3].State != status.StepProblem {
		t.Errorf("exception after out for delivery: step %d %+v, want 4 marked as the problem", ex.Current, ex.Steps[ex.Current-1])
	}
	d := summarize(demoOrder(t, "A-1001"), demoNow, status.AccessShopper).Parcels[0]
	for _, s := range d.Steps {
		if s.State != status.StepDone {
			t.Errorf("delivered: step %s is %s", s.Label, s.State)
		}
	}
	if !d.Complete || d.Current != 5 {
		t.Errorf("delivered: complete %v, current %d", d.Complete, d.Current)
	}
	ps := summarize(demoOrder(t, "B-2002"), demoNow, status.AccessShopper).Parcels[0]
	if ps.Journey != status.JourneyPickup || ps.Title != "Ready to collect" || ps.Complete || ps.Steps[3].State != status.StepCurrent {
		t.Errorf("Delivered-ParcelShop: journey %s %q complete %v step 4 %s, want ready to collect", ps.Journey, ps.Title, ps.Complete, ps.Steps[3].State)
	}
	if ps.Where == "" {
		t.Error("Delivered-ParcelShop: no pickup point named")
	}
}

// One cancellation rule: order_status in any case, cancelled_date, or every tracking cancelled.
func TestOrderCancelled(t *testing.T) {
	inTransit := status.Tracking{ID: "t1", Courier: "dpd-uk", CourierName: "DPD UK",
		Checkpoints: []status.Checkpoint{{StatusCode: "InTransit", EventTimestamp: "2026-01-14T08:00:00.000Z"}}}
	cancelledEvent := status.Tracking{ID: "t2", Courier: "dpd-uk", Checkpoints: []status.Checkpoint{{StatusCode: "Cancelled", EventTimestamp: "2026-01-14T09:00:00.000Z"}}}
	tests := []struct {
		name string
		o    status.Order
		want bool
	}{
		{"order_status Cancelled", status.Order{OrderNumber: "X", OrderStatus: "Cancelled", Trackings: []status.Tracking{inTransit}}, true},
		{"order_status CANCELED", status.Order{OrderNumber: "X", OrderStatus: "CANCELED"}, true},
		{"cancelled_date", status.Order{OrderNumber: "X", CancelledDate: "2026-01-14T10:00:00.000Z", Trackings: []status.Tracking{inTransit}}, true},
		{"every tracking cancelled", status.Order{OrderNumber: "X", Trackings: []status.Tracking{cancelledEvent}}, true},
		{"one of two cancelled", status.Order{OrderNumber: "X", Trackings: []status.Tracking{cancelledEvent, inTransit}}, false},
		{"in transit", status.Order{OrderNumber: "X", Trackings: []status.Tracking{inTransit}}, false},
		{"no trackings", status.Order{OrderNumber: "X"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Cancelled(); got != tt.want {
				t.Fatalf("Cancelled() = %v, want %v", got, tt.want)
			}
			info := infoOf(&tt.o, demoNow, status.AccessShopper)
			if info.IsCancelled != tt.want || info.Summary.IsCancelled != tt.want {
				t.Errorf("is_cancelled %v, summary %v, want %v", info.IsCancelled, info.Summary.IsCancelled, tt.want)
			}
			s := info.Story()
			if tt.want {
				if len(s.Couriers) != 0 || s.Headline.Text != "Order cancelled" {
					t.Errorf("cancelled order says %q, shipped with %v", s.Headline.Text, s.Couriers)
				}
				for _, ps := range s.Parcels {
					if ps.Journey != status.JourneyCancelled {
						t.Errorf("parcel %s shown on journey %s", ps.TrackingID, ps.Journey)
					}
				}
			}
		})
	}
}

// Exceptions, returns and cancellations say what happens next and whom to contact.
func TestSummaryNextSteps(t *testing.T) {
	ex := summarize(demoOrder(t, "A-1008"), demoNow, status.AccessShopper).Parcels[0].Next
	if ex == nil || ex.Contact == nil || ex.Contact.Kind != "courier" || ex.Contact.Name != "Royal Mail" || ex.LinkURL == "" || ex.LinkText != "Correct the delivery address" {
		t.Errorf("address problem: next %+v, want the courier and its reroute link", ex)
	}
	rts := summarize(demoOrder(t, "A-1009"), demoNow, status.AccessShopper).Parcels[0].Next
	if rts == nil || rts.Contact == nil || rts.Contact.Kind != "shop" || rts.Contact.Email != shop.Email {
		t.Errorf("returning to sender: next %+v, want the shop's support contact", rts)
	}
	ret := summarize(demoOrder(t, "A-1012"), demoNow, status.AccessShopper).Parcels[0].Next
	if ret == nil || ret.Key != "next.refund_after_receipt" || !strings.Contains(ret.Note, "refund to original payment method") {
		t.Errorf("return: next %+v, want the refund wording and the shop's note", ret)
	}
	o := demoOrder(t, "A-1011")
	c := summarize(o, demoNow, status.AccessShopper).Cancellation
	if c == nil || c.Text != "Cancelled on Tue 13 Jan" || c.Reason != "inventory" || c.Next.Contact == nil || !strings.Contains(c.Next.Note, "out of stock") {
		t.Errorf("cancellation %+v", c)
	}
	// The shop's free text is not for anonymous callers.
	pub := summarize(o, demoNow, status.AccessPublic).Cancellation
	if pub.Reason != "" || pub.Next.Note != "" {
		t.Errorf("public cancellation shows reason %q note %q", pub.Reason, pub.Next.Note)
	}
	if n := summarize(demoOrder(t, "A-1012"), demoNow, status.AccessPublic).Parcels[0].Next; n.Note != "" {
		t.Errorf("public return shows the shop's note %q", n.Note)
	}
}

// Alt texts (and everything stored or sent) carry absolute dates and say each fact once.
func TestSummaryAltText(t *testing.T) {
	tests := []struct{ order, want string }{
		{"A-1001", "Order A-1001: Delivered on Mon 12 Jan"},
		{"A-1002", "Order A-1002: Out for delivery, Expected Thu 15 Jan, 10:00–14:00"},
		{"B-2003", "Order B-2003: Delivery scheduled, Expected Fri 16 Jan"},
		{"B-2004", "Order B-2004: Delivered to a neighbour on Mon 12 Jan"},
	}
	for _, tt := range tests {
		s := summarize(demoOrder(t, tt.order), demoNow, status.AccessShopper)
		if s.Alt != tt.want {
			t.Errorf("%s: alt %q, want %q", tt.order, s.Alt, tt.want)
		}
		info := infoOf(demoOrder(t, tt.order), demoNow, status.AccessShopper)
		if info.Summary.Alt != tt.want {
			t.Errorf("%s: info summary alt %q", tt.order, info.Summary.Alt)
		}
	}
	// The relative form is for readers whose date is known, and only there.
	s := summarize(demoOrder(t, "B-2003"), demoNow, status.AccessShopper)
	if s.Promise.Today != "Expected tomorrow" {
		t.Errorf("B-2003 for today: %q", s.Promise.Today)
	}
}

// The info document's pickup caption is the summary's promise: past the hold date it no
// longer asks to collect by a day that has gone.
func TestInfoPickupCaptionFollowsTheSummary(t *testing.T) {
	o := demoOrder(t, "B-2001")
	if got := infoOf(o, demoNow, status.AccessShopper).Trackings[0].ActionBox.LabelCaption; got != "Collect by Wed 21 Jan" {
		t.Errorf("caption %q", got)
	}
	late := time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC)
	if got := infoOf(o, late, status.AccessShopper).Trackings[0].ActionBox.LabelCaption; got != "The collection period ended on Wed 21 Jan" {
		t.Errorf("caption after the hold date %q", got)
	}
}
