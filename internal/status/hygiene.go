package status

import (
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

// StringLimit returns the maximum length in characters of a string sent under key and whether
// it is free text (which may hold newlines and tabs).
func StringLimit(key string) (max int, freeText bool) {
	switch {
	case freeTextKeys[key]:
		return MaxFreeText, true
	case urlKeys[key]:
		return MaxURL, false
	case identifierKeys[key]:
		return MaxIdentifier, false
	}
	return MaxString, false
}

// maxHygieneProblems bounds the problems one body can produce.
const maxHygieneProblems = 50

// maxHygieneDepth is how deep the check follows nesting; deeper bodies are left to the JSON
// decoder, which refuses them.
const maxHygieneDepth = 100

// CheckJSONHygiene checks the raw bytes of a JSON body before it is decoded, which would
// silently replace what it cannot represent: every string must be valid UTF-8 without
// unpaired surrogate escapes, without control characters (newlines and tabs only in free
// text) and within the length limit of its key; no object may repeat a key. Problems name
// the attribute. A body that is not well-formed JSON yields no problems here: the decoder
// reports it.
func CheckJSONHygiene(body []byte) *ValidationError {
	h := hygiene{b: body}
	h.space()
	if !h.value("", "", 0) {
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
}

func (h *hygiene) add(code, attr, format string, args ...any) {
	if len(h.e.Problems) < maxHygieneProblems {
		if attr == "" {
			attr = "non_field_errors"
		}
		h.e.Add(code, attr, format, args...)
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

// value checks one value at path; key is the object key it belongs to (for arrays, the key
// of the array). It returns false when the bytes are not well-formed JSON.
func (h *hygiene) value(path, key string, depth int) bool {
	if depth > maxHygieneDepth || h.i >= len(h.b) {
		return false
	}
	switch c := h.b[h.i]; {
	case c == '{':
		h.i++
		return h.object(path, depth)
	case c == '[':
		h.i++
		h.space()
		if h.i < len(h.b) && h.b[h.i] == ']' {
			h.i++
			return true
		}
		for n := 0; ; n++ {
			h.space()
			if !h.value(path+"["+strconv.Itoa(n)+"]", key, depth+1) {
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
		_, ok := h.str(path, key, false)
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

func (h *hygiene) object(path string, depth int) bool {
	h.space()
	if h.i < len(h.b) && h.b[h.i] == '}' {
		h.i++
		return true
	}
	var seen []string
	var seenSet map[string]bool
	for {
		h.space()
		if h.i >= len(h.b) || h.b[h.i] != '"' {
			return false
		}
		key, ok := h.str(path, "", true)
		if !ok {
			return false
		}
		attr := join(path, key)
		dup := false
		if seenSet != nil {
			dup = seenSet[key]
		} else {
			for _, k := range seen {
				dup = dup || k == key
			}
		}
		if dup {
			h.add("duplicate_key", attr, "The key %q appears more than once in this object.", key)
		}
		if seenSet == nil && len(seen) < 16 {
			seen = append(seen, key)
		} else {
			if seenSet == nil {
				seenSet = make(map[string]bool, 32)
				for _, k := range seen {
					seenSet[k] = true
				}
			}
			seenSet[key] = true
		}
		h.space()
		if h.i >= len(h.b) || h.b[h.i] != ':' {
			return false
		}
		h.i++
		h.space()
		if !h.value(attr, key, depth+1) {
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

// str reads a string whose opening quote is at h.i and checks it as the value of key at path
// (isKey: as an object key at path, with MaxString). It returns the string decoded when it is
// a key, for duplicate detection.
func (h *hygiene) str(path, key string, isKey bool) (string, bool) {
	h.i++ // opening quote
	max, free := StringLimit(key)
	attr := path
	if isKey {
		max, free = MaxString, false
	}
	problem := ""
	n := 0 // characters
	var dec []byte
	if isKey {
		dec = make([]byte, 0, 32)
	}
	for h.i < len(h.b) {
		c := h.b[h.i]
		switch {
		case c == '"':
			h.i++
			if problem == "" && n > max {
				problem = fmt.Sprintf("Ensure this field has no more than %d characters.", max)
			}
			if problem != "" {
				if isKey {
					attr = join(path, string(dec))
					if !utf8.Valid(dec) {
						attr = path
					}
				}
				h.add("invalid", attr, "%s", problem)
			}
			return string(dec), true
		case c == '\\':
			if h.i+1 >= len(h.b) {
				return "", false
			}
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
					return "", false
				}
				h.i += 4
				r = rune(v)
				if r >= 0xD800 && r <= 0xDBFF {
					lo, ok := -1, false
					if h.i+6 <= len(h.b) && h.b[h.i] == '\\' && h.b[h.i+1] == 'u' {
						var v2 int
						if v2, ok = hex4(h.b, h.i+2); ok && v2 >= 0xDC00 && v2 <= 0xDFFF {
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
				return "", false
			}
			if problem == "" {
				problem = controlProblem(r, free)
			}
			n++
			if isKey {
				dec = utf8.AppendRune(dec, r)
			}
		case c < utf8.RuneSelf:
			if problem == "" {
				problem = controlProblem(rune(c), free)
			}
			n++
			h.i++
			if isKey {
				dec = append(dec, c)
			}
		default:
			r, size := utf8.DecodeRune(h.b[h.i:])
			if r == utf8.RuneError && size == 1 {
				if problem == "" {
					problem = "Must be valid UTF-8."
				}
			} else if problem == "" {
				problem = controlProblem(r, free)
			}
			if isKey {
				dec = append(dec, h.b[h.i:h.i+size]...)
			}
			n++
			h.i += size
		}
	}
	return "", false
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
