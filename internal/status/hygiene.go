package status

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// String limits of the ingest schema, in characters. Every string a client sends is held to
// the limit of its key (the key of the object member it is, or of the array it is in).
const (
	MaxFreeText   = 4096 // carrier and shop texts; newlines and tabs allowed
	MaxURL        = 2048
	MaxIdentifier = 100 // order and tracking numbers, codes, postal codes
	MaxString     = 255 // everything else: names, emails, address lines, …
)

// freeTextKeys may hold newlines and tabs and up to MaxFreeText characters.
var freeTextKeys = map[string]bool{
	"status_details": true, "status_text": true, "delivery_extra_info": true, "notes": true,
	"payment_details": true, "value": true,
}

// identifierKeys hold at most MaxIdentifier characters.
var identifierKeys = map[string]bool{
	"order_number": true, "tracking_number": true, "courier": true, "client_key": true,
	"external_order_id": true, "external_reference": true, "customer_number": true,
	"invoice_number": true, "status_code": true, "postal_code": true, "recipient_postal_code": true,
	"last_mile_courier": true, "sku": true, "product_id": true, "line_item_id": true,
	"order_item_id": true, "pod_identifier": true, "identifiers_consignment": true,
	"language_iso2": true, "destination_country_iso3": true, "country_iso3": true,
	"origin_country_iso3": true, "order_currency": true, "timezone": true,
}

// urlKeys hold at most MaxURL characters.
var urlKeys = map[string]bool{
	"callback_url": true, "courier_tracking_url": true, "courier_reroute_url": true,
	"article_image_url": true, "article_store_url": true, "pod_signature": true,
	"logo_url": true, "support_url": true,
}

// stringClass is every listed key's limit class, so that a string costs one map lookup.
var stringClass = func() map[string]uint8 {
	m := map[string]uint8{}
	for k := range identifierKeys {
		m[k] = classIdentifier
	}
	for k := range urlKeys {
		m[k] = classURL
	}
	for k := range freeTextKeys {
		m[k] = classFreeText
	}
	return m
}()

const (
	classString uint8 = iota
	classIdentifier
	classURL
	classFreeText
)

// StringLimit returns the maximum length in characters of a string sent under key and whether
// it is free text (which may hold newlines and tabs).
func StringLimit(key string) (max int, freeText bool) {
	switch stringClass[key] {
	case classFreeText:
		return MaxFreeText, true
	case classURL:
		return MaxURL, false
	case classIdentifier:
		return MaxIdentifier, false
	}
	return MaxString, false
}

// maxHygieneProblems bounds the problems one body can produce.
const maxHygieneProblems = 50

// maxHygieneDepth is how deeply a body may nest arrays and objects.
const maxHygieneDepth = 100

// CheckJSONHygiene checks the raw bytes of a JSON body before it is decoded, which would
// silently replace what it cannot represent: every string must be valid UTF-8 without
// unpaired surrogate escapes, without control characters (newlines and tabs only in free
// text) and within the length limit of its key; no object may repeat a key. Problems name
// the attribute. A body that is not well-formed JSON yields no problems here: the decoder
// reports it.
func CheckJSONHygiene(body []byte) *ValidationError {
	h := hygiene{b: body}
	h.path = h.pathBuf[:0]
	h.space()
	if !h.value(nil, 0) {
		if h.tooDeep {
			return Invalid("non_field_errors", "Arrays and objects may nest at most %d levels deep.", maxHygieneDepth)
		}
		return nil
	}
	h.space()
	if h.i != len(h.b) || len(h.e.Problems) == 0 {
		return nil
	}
	return &h.e
}

type hygiene struct {
	b []byte
	i int
	e ValidationError
	// path is the way to the current value: object keys, or array indexes (key nil).
	path    []pathSeg
	pathBuf [8]pathSeg
	tooDeep bool
}

type pathSeg struct {
	key   []byte
	index int
}

// attr renders the current path, as problems name attributes ("trackings[0].courier").
func (h *hygiene) attr() string {
	var b []byte
	for _, s := range h.path {
		if s.key == nil {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.index), 10)
			b = append(b, ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, s.key...)
	}
	if len(b) == 0 {
		return "non_field_errors"
	}
	return string(b)
}

func (h *hygiene) add(code, format string, args ...any) {
	if len(h.e.Problems) < maxHygieneProblems {
		h.e.Add(code, h.attr(), format, args...)
	}
}

func (h *hygiene) space() {
	for h.i < len(h.b) {
		switch h.b[h.i] {
		case ' ', '\t', '\n', '\r':
			h.i++
		default:
			return
		}
	}
}

// value checks one value; key is the object key it belongs to (for arrays, the key of the
// array). It returns false when the bytes are not well-formed JSON.
func (h *hygiene) value(key []byte, depth int) bool {
	if depth > maxHygieneDepth {
		h.tooDeep = true
		return false
	}
	if h.i >= len(h.b) {
		return false
	}
	switch c := h.b[h.i]; {
	case c == '{':
		h.i++
		return h.object(depth)
	case c == '[':
		h.i++
		h.space()
		if h.i < len(h.b) && h.b[h.i] == ']' {
			h.i++
			return true
		}
		h.path = append(h.path, pathSeg{})
		defer func() { h.path = h.path[:len(h.path)-1] }()
		for n := 0; ; n++ {
			h.path[len(h.path)-1].index = n
			h.space()
			if !h.value(key, depth+1) {
				return false
			}
			h.space()
			if h.i >= len(h.b) {
				return false
			}
			switch h.b[h.i] {
			case ',':
				h.i++
			case ']':
				h.i++
				return true
			default:
				return false
			}
		}
	case c == '"':
		_, ok := h.str(key, false)
		return ok
	default:
		start := h.i
		for h.i < len(h.b) {
			switch h.b[h.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return h.i > start
			}
			h.i++
		}
		return h.i > start
	}
}

func (h *hygiene) object(depth int) bool {
	h.space()
	if h.i < len(h.b) && h.b[h.i] == '}' {
		h.i++
		return true
	}
	var seen [16][]byte
	nSeen := 0
	var seenSet map[string]bool
	h.path = append(h.path, pathSeg{key: []byte{}})
	defer func() { h.path = h.path[:len(h.path)-1] }()
	for {
		h.space()
		if h.i >= len(h.b) || h.b[h.i] != '"' {
			return false
		}
		key, ok := h.str(nil, true)
		if !ok {
			return false
		}
		h.path[len(h.path)-1].key = key
		dup := false
		if seenSet != nil {
			dup = seenSet[string(key)]
		} else {
			for _, k := range seen[:nSeen] {
				dup = dup || bytes.Equal(k, key)
			}
		}
		if dup {
			h.add("duplicate_key", "The key %q appears more than once in this object.", key)
		}
		if seenSet == nil && nSeen < len(seen) {
			seen[nSeen] = key
			nSeen++
		} else {
			if seenSet == nil {
				seenSet = make(map[string]bool, 32)
				for _, k := range seen[:nSeen] {
					seenSet[string(k)] = true
				}
			}
			seenSet[string(key)] = true
		}
		h.space()
		if h.i >= len(h.b) || h.b[h.i] != ':' {
			return false
		}
		h.i++
		h.space()
		if !h.value(key, depth+1) {
			return false
		}
		h.space()
		if h.i >= len(h.b) {
			return false
		}
		switch h.b[h.i] {
		case ',':
			h.i++
		case '}':
			h.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string whose opening quote is at h.i and checks it as the value of key (isKey:
// as an object key, with MaxString, and reported at the key's own path). For a key it returns
// the key's bytes unescaped, for duplicate detection and the path.
func (h *hygiene) str(key []byte, isKey bool) ([]byte, bool) {
	h.i++ // opening quote
	start := h.i
	max, free := StringLimit(string(key))
	if isKey {
		max, free = MaxString, false
	}
	problem := ""
	n := 0 // characters
	escaped := false
	var dec []byte // a key's unescaped bytes, once it has an escape
	for h.i < len(h.b) {
		// Fast path: a run of printable ASCII without quotes or escapes (a key being unescaped
		// copies byte by byte below).
		if !isKey || !escaped {
			j := h.i
			for j < len(h.b) && h.b[j] >= 0x20 && h.b[j] < 0x7f && h.b[j] != '"' && h.b[j] != '\\' {
				j++
			}
			n += j - h.i
			h.i = j
			if h.i >= len(h.b) {
				break
			}
		}
		c := h.b[h.i]
		switch {
		case c == '"':
			raw := h.b[start:h.i]
			h.i++
			if problem == "" && n > max {
				problem = fmt.Sprintf("Ensure this field has no more than %d characters.", max)
			}
			var out []byte
			if isKey {
				out = raw
				if escaped {
					out = dec
				}
			}
			if problem != "" {
				if isKey && utf8.Valid(out) {
					h.path = append(h.path, pathSeg{key: out})
					h.add("invalid", "%s", problem)
					h.path = h.path[:len(h.path)-1]
				} else {
					h.add("invalid", "%s", problem)
				}
			}
			return out, true
		case c == '\\':
			if h.i+1 >= len(h.b) {
				return nil, false
			}
			if isKey && !escaped {
				dec = append(make([]byte, 0, 2*(h.i-start)+8), h.b[start:h.i]...)
			}
			escaped = true
			esc := h.b[h.i+1]
			h.i += 2
			var r rune
			switch esc {
			case '"', '\\', '/':
				r = rune(esc)
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			case 'u':
				v, ok := hex4(h.b, h.i)
				if !ok {
					return nil, false
				}
				h.i += 4
				r = rune(v)
				if r >= 0xD800 && r <= 0xDBFF {
					lo := -1
					if h.i+6 <= len(h.b) && h.b[h.i] == '\\' && h.b[h.i+1] == 'u' {
						if v2, ok := hex4(h.b, h.i+2); ok && v2 >= 0xDC00 && v2 <= 0xDFFF {
							lo = v2
						}
					}
					if lo < 0 {
						if problem == "" {
							problem = fmt.Sprintf("Must not contain an unpaired surrogate (\\u%04x).", v)
						}
						r = utf8.RuneError
					} else {
						h.i += 6
						r = 0x10000 + (r-0xD800)<<10 + rune(lo-0xDC00)
					}
				} else if r >= 0xDC00 && r <= 0xDFFF {
					if problem == "" {
						problem = fmt.Sprintf("Must not contain an unpaired surrogate (\\u%04x).", v)
					}
					r = utf8.RuneError
				}
			default:
				return nil, false
			}
			if problem == "" {
				problem = controlProblem(r, free)
			}
			n++
			if isKey {
				dec = utf8.AppendRune(dec, r)
			}
		case c < utf8.RuneSelf:
			if problem == "" && (c < 0x20 || c == 0x7f) {
				problem = controlProblem(rune(c), free)
			}
			n++
			h.i++
			if isKey && escaped {
				dec = append(dec, c)
			}
		default:
			r, size := utf8.DecodeRune(h.b[h.i:])
			if r == utf8.RuneError && size == 1 {
				if problem == "" {
					problem = "Must be valid UTF-8."
				}
			} else if problem == "" && r <= 0x9F {
				problem = controlProblem(r, free)
			}
			if isKey && escaped {
				dec = append(dec, h.b[h.i:h.i+size]...)
			}
			n++
			h.i += size
		}
	}
	return nil, false
}

func controlProblem(r rune, freeText bool) string {
	if freeText && (r == '\n' || r == '\r' || r == '\t') {
		return ""
	}
	if r < 0x20 || (r >= 0x7F && r <= 0x9F) {
		if freeText {
			return fmt.Sprintf("Must not contain control characters other than newlines and tabs (found U+%04X).", r)
		}
		return fmt.Sprintf("Must not contain control characters (found U+%04X).", r)
	}
	return ""
}

func hex4(b []byte, i int) (int, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
