package status

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// readOnly are keys of the stored document that clients may send back (for example an order
// fetched with GET and PUT again) but never set.
// tracking_link and delivery_state are derived outputs of 003_… that such a client may echo.
var readOnly = map[string]bool{"id": true, "created_at": true, "updated_at": true, "version": true,
	"tracking_link": true, "delivery_state": true}

var rawMessageType = reflect.TypeFor[json.RawMessage]()
var articleType = reflect.TypeFor[Article]()

// decodeStrict decodes raw into v (a pointer), reporting every unknown key and every value of
// the wrong type with the path of the attribute, instead of stopping at the first one.
func decodeStrict(raw json.RawMessage, v reflect.Value, path string, e *ValidationError) {
	t := v.Type()
	if isNull(raw) {
		v.Set(reflect.Zero(t))
		return
	}
	switch {
	case t == rawMessageType || t == articleType:
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			e.Add("invalid", path, "%s", typeMessage(err, t))
		}
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		nv := reflect.New(t.Elem())
		decodeStrict(raw, nv.Elem(), path, e)
		v.Set(nv)
	case t.Kind() == reflect.Struct:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			e.Add("invalid", path, "Must be an object.")
			return
		}
		fields := structFields(t)
		for _, k := range sortedKeys(m) {
			idx, ok := fields[k]
			if !ok {
				if readOnly[k] && (t == reflect.TypeFor[Order]() || t == reflect.TypeFor[Tracking]()) {
					continue
				}
				e.Add("unknown_field", join(path, k), "Unknown field %q.", k)
				continue
			}
			if readOnly[k] {
				continue
			}
			decodeStrict(m[k], v.Field(idx), join(path, k), e)
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			e.Add("invalid", path, "Must be a list.")
			return
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			decodeStrict(it, s.Index(i), path+"["+strconv.Itoa(i)+"]", e)
		}
		v.Set(s)
	default:
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			e.Add("invalid", path, "%s", typeMessage(err, t))
		}
	}
}

func typeMessage(err error, t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "Must be a string."
	case reflect.Bool:
		return "Must be true or false."
	case reflect.Int, reflect.Int64:
		return "Must be an integer."
	case reflect.Float64:
		return "Must be a number."
	case reflect.Pointer:
		return typeMessage(err, t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "Must be a list of strings."
		}
		if t.Elem().Kind() == reflect.Slice {
			return "Must be a list of [currency, amount] pairs."
		}
		return "Must be a list."
	case reflect.Map:
		return "Must be an object."
	}
	if t == articleType {
		return "Must be an article object: " + err.Error()
	}
	return "Invalid value."
}

var fieldCache = map[reflect.Type]map[string]int{}

func structFields(t reflect.Type) map[string]int {
	if m, ok := fieldCache[t]; ok {
		return m
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if n := jsonName(t.Field(i)); n != "" {
			m[n] = i
		}
	}
	return m
}

func init() {
	// Filled once before any request so that structFields is read-only (safe for concurrency).
	for _, t := range []reflect.Type{reflect.TypeFor[Order](), reflect.TypeFor[Tracking](),
		reflect.TypeFor[Address](), reflect.TypeFor[PickupLocation](), reflect.TypeFor[OpeningHours](),
		reflect.TypeFor[Checkpoint](), reflect.TypeFor[DateWindow](), reflect.TypeFor[KeyValue](),
		reflect.TypeFor[EventInput](), reflect.TypeFor[EventBatch]()} {
		fieldCache[t] = structFields(t)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// parseObject decodes a JSON object, with a clear problem when the body is not one.
func parseObject(body []byte) (map[string]json.RawMessage, *ValidationError) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil || m == nil {
		msg := "Malformed JSON"
		if err != nil {
			msg = fmt.Sprintf("Malformed JSON: %v.", err)
		} else {
			msg = "The body must be a JSON object."
		}
		return nil, Invalid("non_field_errors", "%s", msg)
	}
	if dec.More() {
		return nil, Invalid("non_field_errors", "The body must hold exactly one JSON object.")
	}
	return m, nil
}
