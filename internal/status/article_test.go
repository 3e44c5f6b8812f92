package status

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestArticleKeepsOtherKeys(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		extra    map[string]json.RawMessage
	}{
		{"schema fields only", `{"article_name":"Mug","quantity":2}`, nil},
		{"schema fields with white space", " {\n \"article_name\" : \"Mug\" ,\t\"quantity\": 2 } ", nil},
		{"a key of the shop's own", `{"article_name":"Mug","colour":"blue"}`, map[string]json.RawMessage{"colour": json.RawMessage(`"blue"`)}},
		{"after nested values", `{"additional_attributes":[{"key":"a","value":"}"}],"fit":{"eu":42}}`, map[string]json.RawMessage{"fit": json.RawMessage(`{"eu":42}`)}},
		{"an escaped schema key is still the schema key", `{"article\u005fname":"Mug"}`, nil},
		{"a string holding a quote and a brace", `{"article_name":"Mug \"}\" x","gift":true}`, map[string]json.RawMessage{"gift": json.RawMessage(`true`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Article
			if err := json.Unmarshal([]byte(tc.in), &a); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Extra, tc.extra) {
				t.Errorf("Extra = %v, want %v", a.Extra, tc.extra)
			}
		})
	}
}
