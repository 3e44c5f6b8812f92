package status

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sentKeys lists the keys of a JSON object body and of each element of its "trackings" array
// (nil for an element that is not an object), in one pass over the bytes and without
// decoding values. body must be valid JSON (the caller has decoded or checked it); ok is
// false when it is not an object.
func sentKeys(body []byte) (top map[string]bool, trackings []map[string]bool, ok bool) {
	s := keyScanner{b: body}
	s.space()
	if !s.eat('{') {
		return nil, nil, false
	}
	top = make(map[string]bool, 32)
	ok = s.object(func(key string) bool {
		top[key] = true
		if key != "trackings" || s.peek() != '[' {
			return s.skip()
		}
		s.i++ // [
		s.space()
		if s.eat(']') {
			return true
		}
		for {
			s.space()
			if s.peek() == '{' {
				s.i++
				keys := make(map[string]bool, 16)
				if !s.object(func(k string) bool { keys[k] = true; return s.skip() }) {
					return false
				}
				trackings = append(trackings, keys)
			} else if s.skip() {
				trackings = append(trackings, nil) // keeps trackings[i] with the i-th element
			} else {
				return false
			}
			s.space()
			if s.eat(']') {
				return true
			}
			if !s.eat(',') {
				return false
			}
		}
	})
	return top, trackings, ok
}

type keyScanner struct {
	b []byte
	i int
}

func (s *keyScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *keyScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *keyScanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// object reads the members of an object whose '{' was consumed, calling value for each key
// with the scanner at the start of its value.
func (s *keyScanner) object(value func(key string) bool) bool {
	s.space()
	if s.eat('}') {
		return true
	}
	for {
		s.space()
		key, ok := s.str()
		if !ok {
			return false
		}
		s.space()
		if !s.eat(':') {
			return false
		}
		s.space()
		if !value(key) {
			return false
		}
		s.space()
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// str reads a string, unescaping it only when it holds escapes.
func (s *keyScanner) str() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start, escaped := s.i, false
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			if !escaped {
				return string(s.b[start : s.i-1]), true
			}
			var out string
			if json.Unmarshal(s.b[start-1:s.i], &out) != nil {
				return "", false
			}
			return out, true
		}
		s.i++
	}
	return "", false
}

// skip passes over one value.
func (s *keyScanner) skip() bool {
	switch s.peek() {
	case '"':
		return s.rawString()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if !s.rawString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default:
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return s.i > start
	}
}

// rawString passes over a string without unescaping it.
func (s *keyScanner) rawString() bool {
	s.i++ // opening quote
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			return true
		}
		s.i++
	}
	return false
}

// PeekOrder reads the account and identity of an order payload without decoding the rest,
// for routing a payload before it is decoded (import keeps the lines of one order in one
// worker). Values of the wrong type read as empty; ok is false when body is not a JSON
// object.
func PeekOrder(body []byte) (account int64, id Identity, ok bool) {
	s := keyScanner{b: body}
	s.space()
	if !s.eat('{') {
		return 0, id, false
	}
	ok = s.object(func(key string) bool {
		var dst *string
		switch key {
		case "account":
			start := s.i
			if !s.skip() {
				return false
			}
			account, _ = strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
			return true
		case "order_number":
			dst = &id.OrderNumber
		case "client_key":
			dst = &id.ClientKey
		case "external_order_id":
			dst = &id.ExternalOrderID
		default:
			return s.skip()
		}
		if s.peek() != '"' {
			return s.skip()
		}
		v, ok := s.str()
		*dst = strings.TrimSpace(v)
		return ok
	})
	return account, id, ok
}
