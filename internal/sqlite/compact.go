package sqlite

import (
	"reflect"
	"strings"

	"github.com/orderstatus/orderstatus/internal/jsonscan"

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
	// nullRawKeys are raw keys whose null decodes as their absence does (a map or a list;
	// payment_details is raw JSON, where null and absent differ) and is left out too.
	nullRawKeys = map[string]bool{"additional_attributes": true}
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
	dst, _ = compactValue(dst, src, 0, false, nil)
	return dst
}

// Stored documents also leave out the keys whose values their table keeps in columns;
// loadOrder sets them from the columns (so do the PostgreSQL store's reads, for documents
// that copy-db carried over).
var (
	orderColumns      = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}
	trackingColumns   = map[string]bool{"id": true, "tracking_number": true, "courier": true}
	checkpointColumns = map[string]bool{"event_timestamp": true, "status_code": true}
)

// compactDoc is compactJSON for a stored document (an object) that also leaves out the
// top-level keys in columns.
func compactDoc(src []byte, columns map[string]bool) string {
	dst, _ := compactValue(make([]byte, 0, len(src)/2), src, 0, false, columns)
	return string(dst)
}

// compactValue appends the value at src[i:] and returns the index after it. inArticles says
// the value is (a list of) articles; drop are keys of this object to leave out.
func compactValue(dst, src []byte, i int, inArticles bool, drop map[string]bool) ([]byte, int) {
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
			i = jsonscan.String(src, i)
			key := src[keyStart+1 : i-1] // map lookups with string(key) do not allocate
			keyEnd := i
			i++ // ':'
			v := i
			end := jsonscan.Value(src, v)
			raw := rawKeys[string(key)] || inArticles && !articleKeys[string(key)]
			if drop[string(key)] || !raw && schemaKeys[string(key)] && isEmptyValue(src[v:end]) ||
				raw && nullRawKeys[string(key)] && string(src[v:end]) == "null" {
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
				dst, i = compactValue(dst, src, v, string(key) == "articles", nil)
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
			dst, i = compactValue(dst, src, i, inArticles, nil)
		}
		return append(dst, ']'), i + 1
	}
	end := jsonscan.Value(src, i)
	return append(dst, src[i:end]...), end
}

func isEmptyValue(v []byte) bool {
	s := string(v)
	return s == `""` || s == "false" || s == "null"
}
