package server

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// storyEnv is the console's demo server (clock at the demo's reference date) with an API
// token per account and a signed-in admin.
type storyEnv struct {
	*supportEnv
	tokens map[int64]string
	staff  *browser
}

func newStoryEnv(t *testing.T) *storyEnv {
	e := &storyEnv{supportEnv: newSupportServer(t, ""), tokens: map[int64]string{}}
	for _, a := range []int64{1001, 1002} {
		tok := auth.NewSecret("os_")
		if err := e.admin.AddToken(context.Background(), a, auth.HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		e.tokens[a] = tok
	}
	e.staff = e.browser(t)
	e.staff.login("boss@example.com")
	return e
}

func (e *storyEnv) get(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// signed is the signed lookup query of a demo order, in English.
func (e *storyEnv) signed(t *testing.T, account int64, number string) string {
	t.Helper()
	a, err := e.db.Account(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return auth.SignedQuery(a, status.Lookup{Kind: status.ByOrderNumber, Account: account, Value: number}, 0, demoNow).Encode() + "&lang=en"
}

func (e *storyEnv) page(t *testing.T, account int64, number string) string {
	t.Helper()
	code, body := e.get(t, "/track?"+e.signed(t, account, number), "")
	if code != 200 {
		t.Fatalf("%s page: %d", number, code)
	}
	return body
}

func texts(re *regexp.Regexp, body string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(m[1])))
	}
	return out
}

var (
	headlineRe     = regexp.MustCompile(`data-testid="headline">([^<]*)<`)
	parcelStatusRe = regexp.MustCompile(`data-testid="parcel-status">([^<]*)<`)
	promiseRe      = regexp.MustCompile(`data-testid="promise">([^<]*)<`)
	orderStateRe   = regexp.MustCompile(`data-testid="order-state">([^<]*)<`)
	bannerRe       = regexp.MustCompile(`class="banner banner-(danger|warning|info)"`)
)

// sameStory reports whether a surface read today (shown) says what a document with
// absolute dates (doc) says: the same words, or the same words with today's and tomorrow's
// dates said as "today" and "tomorrow".
func sameStory(shown, doc string) bool {
	if shown == doc {
		return true
	}
	rel := strings.ReplaceAll(doc, i18n.FormatDateShort("en", demoNow), "today")
	rel = strings.ReplaceAll(rel, i18n.FormatDateShort("en", demoNow.AddDate(0, 0, 1)), "tomorrow")
	return shown == rel
}

type demoRef struct {
	Account     int64  `json:"account"`
	OrderNumber string `json:"order_number"`
}

func demoRefs(t *testing.T) []demoRef {
	t.Helper()
	b, err := os.ReadFile("../../data/demo/orders.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []demoRef
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r demoRef
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestSurfacesTellOneStory proves that for every demo order the page, the widget and its alt
// text, the info document, the order body that callbacks send and the console agree on the
// headline, the state and the promise: they all map one status.Summary.
func TestSurfacesTellOneStory(t *testing.T) {
	e := newStoryEnv(t)
	for _, ref := range demoRefs(t) {
		t.Run(ref.OrderNumber, func(t *testing.T) {
			q := e.signed(t, ref.Account, ref.OrderNumber)
			code, body := e.get(t, "/v4/track/orders/info/?"+q, "")
			if code != 200 {
				t.Fatalf("info: %d %s", code, body)
			}
			var info status.Info
			if err := json.Unmarshal([]byte(body), &info); err != nil {
				t.Fatal(err)
			}
			doc := info.Summary
			if doc.Headline == "" || len(doc.Parcels) != len(info.Trackings) || doc.IsCancelled != info.IsCancelled {
				t.Fatalf("info summary %+v for %d trackings, is_cancelled %v", doc, len(info.Trackings), info.IsCancelled)
			}

			// The alt text is the summary's, with absolute dates.
			if _, alt := e.get(t, "/v4/track/orders/info-widget/alt?"+q, ""); alt != doc.Alt {
				t.Errorf("alt text %q, info summary alt %q", alt, doc.Alt)
			}

			// The order body (the callback payload) carries the same state and promise.
			id := e.orderID(t, ref.Account, ref.OrderNumber)
			code, raw := e.get(t, "/v4/track/orders/"+id+"/", e.tokens[ref.Account])
			if code != 200 {
				t.Fatalf("order body: %d %s", code, raw)
			}
			var ob struct {
				LanguageISO2   string                 `json:"language_iso2"`
				IsCancelled    bool                   `json:"is_cancelled"`
				PayloadVersion int                    `json:"payload_version"`
				Summary        status.SummaryDocument `json:"summary"`
			}
			if err := json.Unmarshal([]byte(raw), &ob); err != nil {
				t.Fatal(err)
			}
			if ob.IsCancelled != info.IsCancelled || ob.Summary.State != doc.State || ob.Summary.Promise.Kind != doc.Promise.Kind ||
				deref(ob.Summary.Promise.End) != deref(doc.Promise.End) || ob.PayloadVersion != status.PayloadVersion {
				t.Errorf("order body: cancelled %v state %s promise %s %s, info: %v %s %s %s", ob.IsCancelled, ob.Summary.State,
					ob.Summary.Promise.Kind, deref(ob.Summary.Promise.End), info.IsCancelled, doc.State, doc.Promise.Kind, deref(doc.Promise.End))
			}
			for i, p := range ob.Summary.Parcels {
				if p.Journey != doc.Parcels[i].Journey || p.Step != doc.Parcels[i].Step || p.Promise.Kind != doc.Parcels[i].Promise.Kind {
					t.Errorf("order body parcel %d: %s step %d %s, info: %s step %d %s", i, p.Journey, p.Step, p.Promise.Kind,
						doc.Parcels[i].Journey, doc.Parcels[i].Step, doc.Parcels[i].Promise.Kind)
				}
			}
			if lang := i18n.Match(ob.LanguageISO2); lang == "" || lang == "en" {
				if ob.Summary.Headline != doc.Headline || ob.Summary.Alt != doc.Alt {
					t.Errorf("order body headline %q alt %q, info %q %q", ob.Summary.Headline, ob.Summary.Alt, doc.Headline, doc.Alt)
				}
			}

			// The page says each parcel's state and promise as the summary does.
			page := e.page(t, ref.Account, ref.OrderNumber)
			if hs := texts(headlineRe, page); len(doc.Parcels) > 1 && (len(hs) != 1 || !sameStory(hs[0], doc.Headline)) {
				t.Errorf("page headline %q, summary %q", hs, doc.Headline)
			}
			statuses := texts(parcelStatusRe, page)
			var promises []string
			for i, p := range doc.Parcels {
				if i >= len(statuses) || statuses[i] != p.Title {
					t.Errorf("page parcel statuses %q, summary parcel %d says %q", statuses, i, p.Title)
				}
				if p.Promise.Text != "" {
					promises = append(promises, p.Promise.Text)
				}
			}
			if shown := texts(promiseRe, page); len(shown) != len(promises) {
				t.Errorf("page promises %q, summary %q", shown, promises)
			} else {
				for i := range shown {
					if !sameStory(shown[i], promises[i]) {
						t.Errorf("page promise %q, summary %q", shown[i], promises[i])
					}
				}
			}

			// The console's state pill is the same headline.
			code, console := e.staff.get("/support/orders/" + id)
			if pill := texts(orderStateRe, console); code != 200 || len(pill) != 1 || !sameStory(pill[0], doc.Headline) {
				t.Errorf("console: %d pill %q, summary %q", code, pill, doc.Headline)
			}

			// The widget draws the same headline and promise.
			o, err := e.db.Order(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			acct, _ := e.db.Account(context.Background(), ref.Account)
			built := status.BuildInfo(o, status.InfoOptions{Access: status.AccessShopper, Lang: "en", Now: demoNow, T: i18n.T, FormatDate: i18n.FormatDateShort})
			wd := widgetData(built.Story(), acct, "en")
			if !sameStory(wd.Headline, doc.Headline) || !sameStory(wd.Promise, doc.Promise.Text) {
				t.Errorf("widget %q / %q, summary %q / %q", wd.Headline, wd.Promise, doc.Headline, doc.Promise.Text)
			}
			wantCourier := ""
			if len(doc.Couriers) > 0 {
				wantCourier = "Shipped with " + strings.Join(doc.Couriers, ", ")
			}
			if wd.Courier != wantCourier {
				t.Errorf("widget courier %q, want %q", wd.Courier, wantCourier)
			}
		})
	}
}

// The reproductions of issue 14, one by one, on the surfaces where they were seen.
func TestStoryReproductions(t *testing.T) {
	e := newStoryEnv(t)

	t.Run("multi-parcel headline counts parcels and names every carrier", func(t *testing.T) {
		page := e.page(t, 1001, "A-1006")
		if hs := texts(headlineRe, page); len(hs) != 1 || hs[0] != "1 of 3 delivered · 1 arriving today" {
			t.Errorf("page headline %q", hs)
		}
		_, alt := e.get(t, "/v4/track/orders/info-widget/alt?"+e.signed(t, 1001, "A-1006"), "")
		if alt != "Order A-1006: 1 of 3 delivered · 1 arriving Thu 15 Jan" {
			t.Errorf("alt %q", alt)
		}
		_, console := e.staff.get("/support/orders/" + e.orderID(t, 1001, "A-1006"))
		if pill := texts(orderStateRe, console); len(pill) != 1 || pill[0] != "1 of 3 delivered · 1 arriving today" {
			t.Errorf("console pill %q", pill)
		}
		o, _ := e.db.Order(context.Background(), e.orderID(t, 1001, "A-1006"))
		acct, _ := e.db.Account(context.Background(), 1001)
		wd := widgetData(status.Summarize(o, status.SummaryOptions{Lang: "en", Now: demoNow, T: i18n.T, FormatDate: i18n.FormatDateShort}), acct, "en")
		if wd.Courier != "Shipped with Royal Mail, DPD UK, UPS" || wd.Promise != "" || wd.Headline != "1 of 3 delivered · 1 arriving today" || wd.Step != 0 {
			t.Errorf("widget %q, courier %q, promise %q, one parcel's step %d", wd.Headline, wd.Courier, wd.Promise, wd.Step)
		}
	})

	t.Run("a passed promise is a delay, never expected", func(t *testing.T) {
		for _, n := range []string{"A-1008", "A-1010"} {
			page := e.page(t, 1001, n)
			if strings.Contains(page, "Expected") {
				t.Errorf("%s page still says Expected", n)
			}
			if ps := texts(promiseRe, page); len(ps) != 1 || !strings.HasPrefix(ps[0], "Was due ") {
				t.Errorf("%s promise %q", n, ps)
			}
			if bs := bannerRe.FindAllString(page, -1); len(bs) != 1 {
				t.Errorf("%s: %d banners %q, want one", n, len(bs), bs)
			}
		}
	})

	t.Run("returns have a return stepper", func(t *testing.T) {
		for _, n := range []string{"A-1009", "A-1012"} {
			page := e.page(t, 1001, n)
			cur := regexp.MustCompile(`aria-current="step" data-testid="current-step">([^<]*)<`).FindStringSubmatch(page)
			if cur == nil || strings.TrimSpace(cur[1]) != "On the way back" {
				t.Errorf("%s current step %q, want On the way back", n, cur)
			}
			if strings.Contains(page, `class="step todo">Out for delivery`) || strings.Contains(page, `class="step todo">Delivered`) {
				t.Errorf("%s shows delivery steps still to come", n)
			}
		}
		if page := e.page(t, 1001, "A-1012"); !strings.Contains(page, "Sent from") || strings.Contains(page, "Delivery address") {
			t.Error("a return labels the shopper's own address as the delivery address")
		}
	})

	t.Run("a cancelled order shows its cancellation, reason and note, no stepper or courier link", func(t *testing.T) {
		page := e.page(t, 1001, "A-1011")
		for _, want := range []string{`data-testid="cancellation"`, "Cancelled on Tue 13 Jan", "Reason: inventory", "Headlamp 300 out of stock", "help@northwind.example"} {
			if !strings.Contains(page, want) {
				t.Errorf("cancelled page lacks %q", want)
			}
		}
		if strings.Contains(page, `aria-current="step"`) || strings.Contains(page, "Track on the courier") {
			t.Error("cancelled page shows a stepper or a courier link")
		}
		// The shop's reason and note are its own free text: not for anonymous callers.
		_, public := e.get(t, "/track?account=1001&order_number=A-1011&lang=en", "")
		if !strings.Contains(public, "Cancelled on Tue 13 Jan") || strings.Contains(public, "inventory") || strings.Contains(public, "out of stock") {
			t.Error("public page: cancellation missing, or the shop's reason or note shown")
		}
	})

	t.Run("an exception keeps its step and says whom to contact", func(t *testing.T) {
		page := e.page(t, 1001, "A-1008")
		cur := regexp.MustCompile(`class="step current problem" aria-current="step" data-testid="current-step">([^<]*)<`).FindStringSubmatch(page)
		if cur == nil || strings.TrimSpace(cur[1]) != "Out for delivery" {
			t.Errorf("current step %q, want Out for delivery marked as the problem", cur)
		}
		if !strings.Contains(page, `data-testid="next-link"`) || !strings.Contains(page, "Correct the delivery address") {
			t.Error("no reroute link to fix the address")
		}
		if !strings.Contains(page, `data-testid="contact-courier"`) || strings.Count(page, "Track on the courier") != 1 {
			t.Errorf("courier contact shown %v, its tracking link %d times", strings.Contains(page, `data-testid="contact-courier"`), strings.Count(page, "Track on the courier"))
		}
	})

	t.Run("delivered shows a completed last step", func(t *testing.T) {
		page := e.page(t, 1001, "A-1001")
		if !strings.Contains(page, `class="step current done" aria-current="step"`) {
			t.Error("the delivered step is not shown done")
		}
	})

	t.Run("each fact once per parcel", func(t *testing.T) {
		page := e.page(t, 1001, "A-1002")
		// The timeline lists every event, the newest too; outside it each fact is said once
		// (no order summary repeating the one parcel, no action heading repeating the status).
		outside := page[:strings.Index(page, `data-testid="timeline"`)]
		for _, s := range []string{"Expected today, 10:00–14:00", ">Out for delivery<"} {
			if n := strings.Count(outside, s); n != 1 {
				t.Errorf("A-1002 says %q %d times", s, n)
			}
		}
		if strings.Contains(page, `data-testid="summary"`) {
			t.Error("a one-parcel order repeats the parcel's state as the order summary")
		}
		if strings.Contains(page, "Expected delivery") {
			t.Error("A-1002 repeats the promise under an 'Expected delivery' heading")
		}
		if n := strings.Count(e.page(t, 1002, "B-2001"), "Collect by"); n != 1 {
			t.Errorf("B-2001 says Collect by %d times", n)
		}
		if n := strings.Count(e.page(t, 1001, "A-1006"), "18 Richmond Avenue"); n != 1 {
			t.Errorf("A-1006 shows the shared address %d times", n)
		}
	})

	t.Run("the alt text says each fact once, with absolute dates", func(t *testing.T) {
		_, alt := e.get(t, "/v4/track/orders/info-widget/alt?"+e.signed(t, 1001, "A-1001"), "")
		if alt != "Order A-1001: Delivered on Mon 12 Jan" {
			t.Errorf("A-1001 alt %q", alt)
		}
		_, alt = e.get(t, "/v4/track/orders/info-widget/alt?"+e.signed(t, 1001, "A-1002"), "")
		if strings.Contains(alt, "today") || !strings.Contains(alt, "Thu 15 Jan") {
			t.Errorf("A-1002 alt %q freezes a relative word", alt)
		}
	})

	t.Run("order_status Cancelled in any case cancels everywhere", func(t *testing.T) {
		te := &testEnv{http: e.http}
		p := map[string]any{"order_number": "C-1", "recipient_email": "c@example.com", "order_status": "Cancelled",
			"trackings": []any{map[string]any{"courier": "dpd-uk", "courier_name": "DPD UK", "tracking_number": "CX1",
				"checkpoints": []any{map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-14T08:00:00Z"}}}}}
		if code, body := te.do(t, "PUT", "/v4/track/orders/", e.tokens[1001], p); code != 201 {
			t.Fatalf("%d %s", code, body)
		}
		q := e.signed(t, 1001, "C-1")
		_, body := e.get(t, "/v4/track/orders/info/?"+q, "")
		var info status.Info
		json.Unmarshal([]byte(body), &info)
		if !info.IsCancelled || info.Summary.Parcels[0].Journey != status.JourneyCancelled {
			t.Errorf("info is_cancelled %v journey %s", info.IsCancelled, info.Summary.Parcels[0].Journey)
		}
		if _, alt := e.get(t, "/v4/track/orders/info-widget/alt?"+q, ""); alt != "Order C-1: Order cancelled" {
			t.Errorf("alt %q", alt)
		}
		page := e.page(t, 1001, "C-1")
		if st := texts(parcelStatusRe, page); !strings.Contains(page, `data-testid="cancellation"`) || len(st) != 1 || st[0] != "Order cancelled" {
			t.Errorf("page shows the cancelled order's parcel as %q", st)
		}
		o, _ := e.db.Order(context.Background(), e.orderID(t, 1001, "C-1"))
		acct, _ := e.db.Account(context.Background(), 1001)
		if wd := widgetData(status.Summarize(o, status.SummaryOptions{Lang: "en", Now: demoNow, T: i18n.T}), acct, "en"); wd.Courier != "" || wd.Step != 0 {
			t.Errorf("widget of a cancelled order: courier %q step %d", wd.Courier, wd.Step)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
