package status_test

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// demoNow is the demo dataset's reference date (data/demo/meta.json) at noon UTC: the demo's
// dates are written relative to it.
var demoNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// demoOrders reads the demo dataset as the API would store it, unshifted.
func demoOrders(t *testing.T) []*status.Order {
	t.Helper()
	f, err := os.Open("../../data/demo/orders.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var out []*status.Order
	for sc.Scan() {
		var acct struct{ Account int64 }
		if err := json.Unmarshal(sc.Bytes(), &acct); err != nil {
			t.Fatal(err)
		}
		p, err := status.DecodeOrder(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		o, err := p.Merge(nil, acct.Account, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 19 {
		t.Fatalf("demo has %d orders", len(out))
	}
	return out
}

var shop = &status.Contact{Kind: "shop", Name: "Northwind Outfitters", Email: "help@northwind.example"}

func summarize(o *status.Order, now time.Time, access status.Access) *status.Summary {
	return status.Summarize(o, status.SummaryOptions{Access: access, Lang: "en", Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort, Shop: shop})
}

// describe writes what a summary says, one line per fact, for the golden file.
func describe(b *strings.Builder, label string, s *status.Summary) {
	fmt.Fprintf(b, "%s\n", label)
	fmt.Fprintf(b, "  headline: %s | today: %s | tone %s | state %s\n", s.Headline.Text, s.Headline.Today, s.Tone, s.State)
	fmt.Fprintf(b, "  alt: %s\n", s.Alt)
	if len(s.Couriers) > 0 {
		fmt.Fprintf(b, "  couriers: %s\n", strings.Join(s.Couriers, ", "))
	}
	if s.Banner != nil {
		fmt.Fprintf(b, "  banner: %s %s\n", s.Banner.Kind, s.Banner.Key)
	}
	if c := s.Cancellation; c != nil {
		fmt.Fprintf(b, "  cancellation: %s | reason %q | next %s | note %q\n", c.Text, c.Reason, c.Next.Key, c.Next.Note)
	}
	for _, p := range s.Parcels {
		var steps []string
		for _, st := range p.Steps {
			steps = append(steps, st.Label+"="+string(st.State))
		}
		fmt.Fprintf(b, "  parcel %s: %s | tone %s | journey %s | step %d [%s]\n", p.Code.Code, p.Title, p.Tone, p.Journey, p.Current, strings.Join(steps, ", "))
		fmt.Fprintf(b, "    promise: %s from %s | %s | today: %s\n", p.Promise.Kind, p.Promise.Source, p.Promise.Text, p.Promise.Today)
		if pk := p.Pickup; pk != nil {
			fmt.Fprintf(b, "    pickup: %s | %s | %d days\n", pk.Name, pk.OpenNow, len(pk.Week))
		}
		if n := p.Next; n != nil {
			contact := "nobody"
			if n.Contact != nil {
				contact = n.Contact.Kind + " " + n.Contact.Name
			}
			fmt.Fprintf(b, "    next: %s | contact %s | link %q | note %q\n", n.Key, contact, n.LinkText, n.Note)
		}
	}
}

// lastDay is the last day any parcel of s is promised for ("" without a dated promise).
func lastDay(s *status.Summary) string {
	last := ""
	for _, p := range s.Parcels {
		if p.Promise.Kind == status.PromiseExpected || p.Promise.Kind == status.PromiseCollectBy {
			last = max(last, p.Promise.End)
		}
	}
	return last
}

// TestSummaryGoldenDemo is the table of what every demo order says at the demo's reference
// date, and again on the day after its last promise window, when no promise may still be
// "expected". Run with -update to rewrite testdata/summary_demo.golden after reviewing.
func TestSummaryGoldenDemo(t *testing.T) {
	var b strings.Builder
	for _, o := range demoOrders(t) {
		s := summarize(o, demoNow, status.AccessShopper)
		describe(&b, o.OrderNumber+" at "+demoNow.Format(time.RFC3339), s)
		last := lastDay(s)
		if last == "" {
			continue
		}
		d, err := time.Parse(status.DateLayout, last)
		if err != nil {
			t.Fatal(err)
		}
		after := d.AddDate(0, 0, 1).Add(12 * time.Hour)
		late := summarize(o, after, status.AccessShopper)
		describe(&b, o.OrderNumber+" at "+after.Format(time.RFC3339)+" (after the promise window)", late)
		for _, p := range late.Parcels {
			if p.Promise.Kind == status.PromiseExpected || strings.Contains(p.Promise.Text, "Expected") || strings.Contains(late.Alt, "Expected") {
				t.Errorf("%s after its window: parcel %s still expected: %q / %q", o.OrderNumber, p.TrackingID, p.Promise.Text, late.Alt)
			}
		}
	}
	golden := filepath.Join("testdata", "summary_demo.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("summaries differ from %s (run with -update to accept):\n%s", golden, got)
	}
}
