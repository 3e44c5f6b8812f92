package status

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want a validation error", err)
	}
	return verr.Problems
}

// TestIngestHygiene lists the inputs of the issue that ingest used to accept or misreport:
// each gets a problem naming its attribute.
func TestIngestHygiene(t *testing.T) {
	base := func(extra string) string {
		return `{"order_number":"H-1","recipient_email":"a@example.com"` + extra + `}`
	}
	for _, tc := range []struct {
		name, body, attr, detail string
	}{
		{"invalid UTF-8", base(`,"recipient_name":"Jo` + "\xff" + `e"`), "recipient_name", "valid UTF-8"},
		{"encoded surrogate", base(`,"recipient_name":"` + "\xed\xa0\x80" + `"`), "recipient_name", "valid UTF-8"},
		{"NUL escape", base(`,"recipient_name":"a\u0000b"`), "recipient_name", "U+0000"},
		{"NUL escape in free text", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","delivery_extra_info":"x\u0000"}]}`, "trackings[0].delivery_extra_info", "U+0000"},
		{"newline in a name", base(`,"recipient_name":"a\nb"`), "recipient_name", "U+000A"},
		{"raw control byte", base(`,"recipient_name":"a` + "\x01" + `b"`), "recipient_name", "U+0001"},
		{"C1 control", base(`,"recipient_name":"a\u0085b"`), "recipient_name", "U+0085"},
		{"lone high surrogate", base(`,"recipient_name":"\ud83d"`), "recipient_name", "unpaired surrogate"},
		{"lone low surrogate", base(`,"recipient_name":"x\ude00y"`), "recipient_name", "unpaired surrogate"},
		{"high surrogate then a letter", base(`,"recipient_name":"\ud83dA"`), "recipient_name", "unpaired surrogate"},
		{"duplicate key", base(`,"order_number":"H-2"`), "order_number", "more than once"},
		{"duplicate key in a tracking", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","courier":"ups"}]}`, "trackings[0].courier", "more than once"},
		{"900 KB name", base(`,"recipient_name":"` + strings.Repeat("x", 900_000) + `"`), "recipient_name", "no more than 255 characters"},
		{"20,000-character tracking number", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"` + strings.Repeat("1", 20000) + `"}]}`, "trackings[0].tracking_number", "no more than 100 characters"},
		{"long free text", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","checkpoints":[{"status_code":"InTransit","event_timestamp":"2026-01-01T00:00:00Z","status_details":"` + strings.Repeat("é", 4097) + `"}]}]}`, "trackings[0].checkpoints[0].status_details", "no more than 4096 characters"},
		{"long URL", base(`,"callback_url":"https://x.example/` + strings.Repeat("a", 2048) + `"`), "callback_url", "no more than 2048 characters"},
		{"long tag", base(`,"tags":["a:` + strings.Repeat("b", 300) + `"]`), "tags[0]", "no more than 255"},
		{"numeric order number", `{"order_number":1001,"recipient_email":"a@example.com"}`, "order_number", "Must be a string."},
		{"protocol-relative image", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","articles":[{"article_name":"x","article_image_url":"//evil.example/x.png"}]}]}`, "trackings[0].articles[0].article_image_url", "https://"},
		{"backslash image", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","articles":[{"article_name":"x","article_image_url":"/\\evil.example/x.png"}]}]}`, "trackings[0].articles[0].article_image_url", "https://"},
		{"http image", `{"order_number":"H-1","recipient_email":"a@example.com","trackings":[{"courier":"dhl","tracking_number":"T1","articles":[{"article_name":"x","article_image_url":"http://cdn.example/x.png"}]}]}`, "trackings[0].articles[0].article_image_url", "https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Ingest{Store: refuseStore{}, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
			_, _, err := in.Save(context.Background(), Account{ID: 1001}, []byte(tc.body), false)
			ps := problemsOf(t, err)
			for _, p := range ps {
				if p.Attr == tc.attr && strings.Contains(p.Detail, tc.detail) {
					return
				}
			}
			t.Fatalf("problems %v, want one for %s saying %q", ps, tc.attr, tc.detail)
		})
	}
}

// refuseStore is a Store whose writes fail the test: hygiene problems must be found before
// anything is written.
type refuseStore struct{ Store }

func (refuseStore) SaveOrder(ctx context.Context, account int64, id Identity, createOnly bool, fn func(*Order) (*Order, error)) (*Order, bool, error) {
	_, err := fn(nil)
	if err == nil {
		return nil, false, errors.New("the order would have been saved")
	}
	return nil, false, err
}

func TestHygieneDepth(t *testing.T) {
	deep := `{"order_number":"A","x":` + strings.Repeat("[", 150) + `"\u0000"` + strings.Repeat("]", 150) + `}`
	if verr := CheckJSONHygiene([]byte(deep)); verr == nil || !strings.Contains(verr.Error(), "nest") {
		t.Fatalf("150 levels: %v, want a nesting problem", verr)
	}
	ok := `{"a":` + strings.Repeat("[", 90) + `1` + strings.Repeat("]", 90) + `}`
	if verr := CheckJSONHygiene([]byte(ok)); verr != nil {
		t.Fatalf("90 levels: %v", verr)
	}
}

func TestEventWrongTypes(t *testing.T) {
	for _, tc := range []struct{ body, attr string }{
		{`{"courier":"dhl","tracking_number":"T","status_code":7,"event_timestamp":"2026-01-01T00:00:00Z"}`, "status_code"},
		{`{"courier":"dhl","tracking_number":123,"status_code":"InTransit","event_timestamp":"2026-01-01T00:00:00Z"}`, "tracking_number"},
		{`{"events":[{"courier":"dhl","tracking_number":"T","status_code":"InTransit","event_timestamp":false}]}`, "events[0].event_timestamp"},
	} {
		_, err := DecodeEvents([]byte(tc.body))
		ps := problemsOf(t, err)
		if len(ps) != 1 || ps[0].Attr != tc.attr || !strings.HasPrefix(ps[0].Detail, "Must be a string.") {
			t.Errorf("%s: problems %v, want only %s: Must be a string.", tc.body, ps, tc.attr)
		}
	}
}

func TestHygieneAccepts(t *testing.T) {
	for _, body := range []string{
		`{"order_number":"A-1","recipient_name":"Zoë 👩‍🚀 \ud83d\ude80","notes":"line 1\nline 2\ttab"}`,
		`{"trackings":[{"checkpoints":[{"status_details":"` + strings.Repeat("x", 4096) + `"}]}]}`,
		`{"a":{"b":1},"b":{"b":2},"c":[{"b":1},{"b":1}]}`,
		`[1,"x",{"k":null}]`,
		`{"order_number":`, // malformed: left to the decoder
	} {
		if verr := CheckJSONHygiene([]byte(body)); verr != nil {
			t.Errorf("%.60s: %v", body, verr)
		}
	}
}

func TestValidImageURL(t *testing.T) {
	for v, want := range map[string]bool{
		"/demo/assets/jacket.svg":       true,
		"https://cdn.example/x.png":     true,
		"//evil.example/x.png":          false,
		"/\\evil.example/x.png":         false,
		"/\t/evil.example/x.png":        false,
		"http://cdn.example/x.png":      false,
		"javascript:alert(1)":           false,
		"https:///x.png":                false,
		"https://user@cdn.example/x":    false,
		"x.png":                         false,
		"data:image/png;base64,iVBORw0": false,
	} {
		if got := ValidImageURL(v); got != want {
			t.Errorf("ValidImageURL(%q) = %v, want %v", v, got, want)
		}
	}
}

// FuzzHygiene checks CheckJSONHygiene against encoding/json: whatever the bytes it never
// panics, and a well-formed body it passes decodes exactly as sent: no object repeats a key
// and no character was replaced.
func FuzzHygiene(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, `{"a":"\ud83d\ude80"}`, `{"a":1,"a":2}`, "{\"a\":\"\xff\"}",
		`{"t":[{"x":"y","x":"z"}]}`, `"\ud800"`, `{"a\u0062":1,"ab":2}`, `{"n":"\ufffd"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if CheckJSONHygiene(body) != nil || !json.Valid(body) {
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("passed invalid UTF-8: %q", body)
		}
		// Replacement characters the body itself holds, raw or escaped.
		sent := strings.Count(string(body), "\ufffd") + strings.Count(strings.ToLower(string(body)), `\ufffd`)
		got := 0
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		type frame struct {
			object bool
			keys   map[string]bool
			key    bool // the next string token of an object is a key
		}
		var stack []*frame
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("json.Valid body fails to tokenize: %v", err)
			}
			top := (*frame)(nil)
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			}
			switch v := tok.(type) {
			case json.Delim:
				switch v {
				case '{', '[':
					if top != nil && top.object {
						top.key = true
					}
					stack = append(stack, &frame{object: v == '{', keys: map[string]bool{}, key: true})
				default:
					stack = stack[:len(stack)-1]
				}
				continue
			case string:
				got += strings.Count(v, "\ufffd")
				if top != nil && top.object && top.key {
					if top.keys[v] {
						t.Fatalf("passed a duplicate key %q: %q", v, body)
					}
					top.keys[v] = true
					top.key = false
					continue
				}
			}
			if top != nil && top.object {
				top.key = true
			}
		}
		if got > sent {
			t.Fatalf("passed a body whose decoding replaced characters: %q", body)
		}
	})
}

// FuzzSentKeys checks the ingest decoder's key scan (keys.go) against encoding/json on every
// well-formed body that passes the hygiene check, which ingest runs first.
func FuzzSentKeys(f *testing.F) {
	for _, s := range []string{`{}`, `{"trackings":[{"a":1},2,{"b":"}"}]}`, `{"x\u0041":"\"","trackings":null}`,
		`{"order_number":"A-1","trackings":[{"checkpoints":[{"status_details":"]"}]}]}`, `[]`, `{"a":{"trackings":[{"no":1}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) || CheckJSONHygiene(body) != nil {
			return
		}
		var m map[string]json.RawMessage
		isObject := json.Unmarshal(body, &m) == nil && m != nil
		top, trackings, ok := sentKeys(body)
		if ok != isObject {
			t.Fatalf("sentKeys(%q) ok = %v, want %v", body, ok, isObject)
		}
		if !ok {
			return
		}
		want := map[string]bool{}
		for k := range m {
			want[k] = true
		}
		if !maps.Equal(top, want) {
			t.Fatalf("sentKeys(%q) top = %v, want %v", body, top, want)
		}
		var items []json.RawMessage
		if raw, has := m["trackings"]; has && json.Unmarshal(raw, &items) != nil {
			items = nil
		}
		if len(trackings) != len(items) {
			t.Fatalf("sentKeys(%q): %d trackings, want %d", body, len(trackings), len(items))
		}
		for i, it := range items {
			var obj map[string]json.RawMessage
			if json.Unmarshal(it, &obj) != nil || obj == nil {
				if trackings[i] != nil {
					t.Fatalf("sentKeys(%q) trackings[%d] = %v, want nil for a non-object", body, i, trackings[i])
				}
				continue
			}
			keys := map[string]bool{}
			for k := range obj {
				keys[k] = true
			}
			if !maps.Equal(trackings[i], keys) {
				t.Fatalf("sentKeys(%q) trackings[%d] = %v, want %v", body, i, trackings[i], keys)
			}
		}
	})
}

// BenchmarkHygiene compares the hygiene pass with the decode it precedes, on a demo order.
func BenchmarkHygiene(b *testing.B) {
	body := []byte(`{"account":1001,"order_number":"A-1001","recipient_email":"emma@example.com","recipient_name":"Emma Schmidt","destination_country_iso3":"DEU","order_date":"2026-01-10T09:00:00Z","trackings":[{"courier":"dhl-germany","tracking_number":"00340434161094015902","recipient_postal_code":"10115","articles":[{"article_name":"Rain jacket","article_image_url":"/demo/assets/jacket.svg","quantity":1,"unit_price":"129.90"}],"checkpoints":[{"status_code":"InTransit","event_timestamp":"2026-01-11T08:00:00Z","location":"Berlin","status_details":"Arrived at the hub"},{"status_code":"OutForDelivery","event_timestamp":"2026-01-12T07:10:00Z","location":"Berlin"}]}]}`)
	b.Run("hygiene", func(b *testing.B) {
		for b.Loop() {
			if CheckJSONHygiene(body) != nil {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("DecodeOrder", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeOrder(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
