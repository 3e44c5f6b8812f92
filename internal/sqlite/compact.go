package sqlite

import (
	"reflect"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Stored documents leave out the fields that decode to their zero value anyway: most fields of
// an order, a tracking, an article or a checkpoint are empty, and json.Marshal writes every one
// of them ("status_text":"", "is_hidden":false, "width":null …), which made the documents two
// to three times larger than what they hold. Only schema fields are left out, and only when
// "", false or null: numbers stay (a stored 0 differs from an absent *float64), empty lists
// stay (an empty list differs from nil), and what a shop sent as free-form data (article keys
// beyond the schema, additional_attributes, payment_details) is kept exactly as it came.

var (
	// schemaKeys are the JSON names of the fields of the stored types.
	schemaKeys = map[string]bool{}
	// articleKeys are the JSON names of an article's schema fields; its other keys are the
	// shop's own.
	articleKeys = map[string]bool{}
	// rawKeys hold free-form values, stored as they are.
	rawKeys = map[string]bool{"additional_attributes": true, "payment_details": true}
)

func init() {
	for _, v := range []any{status.Order{}, status.Tracking{}, status.Checkpoint{}, status.Address{}, status.PickupLocation{},
		status.OpeningHours{}, status.DateWindow{}} {
		addKeys(schemaKeys, reflect.TypeOf(v))
	}
	addKeys(articleKeys, reflect.TypeFor[status.Article]())
	for k := range articleKeys {
		schemaKeys[k] = true
	}
}

func addKeys(set map[string]bool, t reflect.Type) {
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			set[name] = true
		}
	}
}

// compactJSON appends to dst the JSON text src (as json.Marshal writes it: valid, without
// insignificant white space) without the schema fields whose value is "", false or null.
func compactJSON(dst, src []byte) []byte {
	dst, _ = compactValue(dst, src, 0, false)
	return dst
}

// compactValue appends the value at src[i:] and returns the index after it. inArticles says
// the value is (a list of) articles.
func compactValue(dst, src []byte, i int, inArticles bool) ([]byte, int) {
	switch src[i] {
	case '{':
		dst = append(dst, '{')
		i++
		first := true
		for src[i] != '}' {
			if src[i] == ',' {
				i++
			}
			keyStart := i
			i = skipString(src, i)
			key := src[keyStart+1 : i-1] // map lookups with string(key) do not allocate
			keyEnd := i
			i++ // ':'
			v := i
			end := skipValue(src, v)
			raw := rawKeys[string(key)] || inArticles && !articleKeys[string(key)]
			if !raw && schemaKeys[string(key)] && isEmptyValue(src[v:end]) {
				i = end
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, src[keyStart:keyEnd]...)
			dst = append(dst, ':')
			if raw {
				dst, i = append(dst, src[v:end]...), end
			} else {
				dst, i = compactValue(dst, src, v, string(key) == "articles")
			}
		}
		return append(dst, '}'), i + 1
	case '[':
		dst = append(dst, '[')
		i++
		for src[i] != ']' {
			if src[i] == ',' {
				dst = append(dst, ',')
				i++
			}
			dst, i = compactValue(dst, src, i, inArticles)
		}
		return append(dst, ']'), i + 1
	}
	end := skipValue(src, i)
	return append(dst, src[i:end]...), end
}

func isEmptyValue(v []byte) bool {
	s := string(v)
	return s == `""` || s == "false" || s == "null"
}

// skipString returns the index after the string that starts at src[i] ('"').
func skipString(src []byte, i int) int {
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index after the value that starts at src[i].
func skipValue(src []byte, i int) int {
	switch src[i] {
	case '"':
		return skipString(src, i)
	case '{', '[':
		depth := 0
		for ; i < len(src); i++ {
			switch src[i] {
			case '"':
				i = skipString(src, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for ; i < len(src); i++ {
		switch src[i] {
		case ',', '}', ']':
			return i
		}
	}
	return i
}
