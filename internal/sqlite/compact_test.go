package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// withoutEmpty is what compactJSON promises, on decoded JSON: schema fields whose value is
// "", false or null are gone at any depth; free-form values (additional_attributes,
// payment_details, an article's own keys) stay exactly as they are, but for a null
// additional_attributes.
func withoutEmpty(v any, inArticles bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			raw := rawKeys[k] || inArticles && !articleKeys[k]
			switch {
			case raw && nullRawKeys[k] && e == nil:
			case raw:
				out[k] = e
			case schemaKeys[k] && (e == nil || e == "" || e == false):
			default:
				out[k] = withoutEmpty(e, k == "articles")
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutEmpty(e, inArticles)
		}
		return out
	}
	return v
}

func FuzzCompactJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `""`, `{"a":"","b":false,"c":null,"d":0,"e":[],"f":{}}`,
		`{"a":{"b":{"c":""}},"d":["",false,null,{"e":null,"f":"x"}]}`, `{"k\"}":"v\\\"","x":"a,b}]{["}`,
		`{"\u003c":"\u003e","n":-1.5e3,"t":true}`, `[{"a":""},{"b":[{"c":false}]}]`,
		`{"status_text":"","location":null,"is_hidden":false,"courier":"x","additional_attributes":{"status_text":""}}`,
		`{"articles":[{"sku":"","custom":"","tags":[],"additional_attributes":[{"key":"k","value":""}]}],"payment_details":{"city":null}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		src, err := json.Marshal(v) // the form compactJSON is given: no white space
		if err != nil {
			return
		}
		out := compactJSON(nil, src)
		var got any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("compactJSON(%s) = %s: invalid JSON: %v", src, out, err)
		}
		if want := withoutEmpty(v, false); !reflect.DeepEqual(got, want) {
			t.Fatalf("compactJSON(%s) = %s, want %v", src, out, want)
		}
	})
}

// A stored order reads back exactly as it was written.
func TestCompactDocumentsReadBackTheSame(t *testing.T) {
	w := 0.0
	o := status.Order{ID: "o1", OrderNumber: "A-1", Tags: []string{}, COD: [][]string{{"EUR", "1.00"}}, Trackings: []status.Tracking{{
		ID: "t1", Courier: "ups", Articles: []status.Article{{ArticleName: "Mug", Width: &w, Quantity: 0, Tags: []string{"x"},
			Extra:                map[string]json.RawMessage{"custom": json.RawMessage(`{"deep":""}`), "city": json.RawMessage(`""`)},
			AdditionalAttributes: []status.KeyValue{{Key: "k", Value: ""}}}},
		AdditionalAttributes: map[string]any{"status_text": "", "n": nil},
		Checkpoints: []status.Checkpoint{{StatusCode: "InTransit", EventTimestamp: "2026-01-01T00:00:00.000Z", IsHidden: true,
			EstimatedDeliveryDate: &status.DateWindow{StartDate: "2026-01-02"}}}}}}
	for _, v := range []any{o, o.Trackings[0], o.Trackings[0].Checkpoints[0]} {
		full, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		small := compactJSON(nil, full)
		if len(small) >= len(full) {
			t.Errorf("not smaller: %d >= %d", len(small), len(full))
		}
		a := reflect.New(reflect.TypeOf(v))
		b := reflect.New(reflect.TypeOf(v))
		if err := json.Unmarshal(full, a.Interface()); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(small, b.Interface()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			t.Errorf("%T reads back differently:\n%s\n%s", v, full, small)
		}
	}
}
