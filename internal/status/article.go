package status

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"

	"github.com/orderstatus/orderstatus/internal/jsonscan"
)

type articleFields Article

var articleKnown = jsonFieldNames(reflect.TypeFor[Article]())

// UnmarshalJSON decodes the schema's fields and keeps every other key in Extra.
func (a *Article) UnmarshalJSON(b []byte) error {
	var f articleFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*a = Article(f)
	a.Extra = nil
	if !otherKeys(b, articleKnown) {
		// Most articles hold only the schema's fields: decoded once.
		return nil
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for k, v := range all {
		if !articleKnown[k] {
			if a.Extra == nil {
				a.Extra = map[string]json.RawMessage{}
			}
			a.Extra[k] = v
		}
	}
	return nil
}

// MarshalJSON writes the schema's fields followed by the extra keys, sorted.
func (a Article) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(articleFields(a))
	if err != nil || len(a.Extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(a.Extra))
	for k := range a.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := b[:len(b)-1]
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		out = append(out, ',')
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, a.Extra[k]...)
	}
	return append(out, '}'), nil
}

// otherKeys reports whether the JSON object b (valid JSON: json.Unmarshal accepted it) has a
// top-level key that known lacks. It only scans: keys are compared as they are written, so a
// key with an escape sequence counts as other (and the caller decodes it properly).
func otherKeys(b []byte, known map[string]bool) bool {
	i := jsonscan.Space(b, 0)
	if i >= len(b) || b[i] != '{' {
		return true
	}
	for i = jsonscan.Space(b, i+1); i < len(b) && b[i] != '}'; i = jsonscan.Space(b, i) {
		if b[i] == ',' {
			i = jsonscan.Space(b, i+1)
		}
		if i >= len(b) || b[i] != '"' {
			return true
		}
		end := jsonscan.String(b, i)
		key := b[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 || !known[string(key)] {
			return true
		}
		i = jsonscan.Space(b, end)
		if i >= len(b) || b[i] != ':' {
			return true
		}
		i = jsonscan.Value(b, jsonscan.Space(b, i+1))
	}
	return false
}

// jsonFieldNames returns the JSON names of a struct type's fields.
func jsonFieldNames(t reflect.Type) map[string]bool {
	m := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name := jsonName(t.Field(i))
		if name != "" {
			m[name] = true
		}
	}
	return m
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return ""
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			tag = tag[:i]
			break
		}
	}
	if tag == "" {
		return f.Name
	}
	return tag
}

// withLists returns the article with its lists never null: the reference shows tags and
// additional_attributes as lists, so an article without them carries [].
func (a Article) withLists() Article {
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.AdditionalAttributes == nil {
		a.AdditionalAttributes = []KeyValue{}
	}
	return a
}
