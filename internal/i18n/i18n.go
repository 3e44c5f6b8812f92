// Package i18n holds the shopper-facing message catalogs, picks a language from what the
// request offers, and formats dates and times the way each language writes them.
//
// Catalogs are flat JSON objects (key -> message) embedded from catalogs/<lang>.json and
// parsed once when the package is loaded. Messages are plural-free: they take named
// placeholders such as {done}, {total} or {date}, which T fills in.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Supported lists the languages that have a catalog, as lower-case ISO 639-1 codes.
var Supported = []string{"en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "pt", "cs", "fi"}

// Default is the language used when nothing the caller offers is supported, and the
// catalog every other one falls back to.
const Default = "en"

//go:embed catalogs/*.json
var catalogFS embed.FS

// catalogs maps a supported language to its messages. It is filled once at load time and
// only read afterwards, so concurrent use needs no locking.
var catalogs = loadCatalogs()

// loadCatalogs panics on a missing or malformed catalog: the files are embedded at build
// time and checked by the tests, so a failure here is a build defect, not a runtime error.
func loadCatalogs() map[string]map[string]string {
	out := make(map[string]map[string]string, len(Supported))
	for _, lang := range Supported {
		data, err := catalogFS.ReadFile("catalogs/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", lang, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// Match returns the first supported language among candidates. Each candidate may be a
// tag like "de-AT", "de_AT", "DE" or "pt-BR" (the region is stripped and case ignored) or an
// empty string, which is skipped. It returns "" if no candidate is supported.
func Match(candidates ...string) string {
	for _, c := range candidates {
		base, _, _ := strings.Cut(strings.TrimSpace(c), "-")
		base, _, _ = strings.Cut(base, "_")
		base = strings.ToLower(base)
		if _, ok := catalogs[base]; ok {
			return base
		}
	}
	return ""
}

// maxAcceptLanguage bounds the work done for one header; browsers send a handful of tags.
const maxAcceptLanguage = 32

// ParseAcceptLanguage returns the language tags of an Accept-Language header, highest q
// first and in header order among equal q. Tags with q=0, malformed q values and empty
// entries are dropped; tags are returned as sent (e.g. "fr-CH"), so pass them to Match.
// Example: "fr-CH, fr;q=0.9, en;q=0.8" gives ["fr-CH", "fr", "en"].
func ParseAcceptLanguage(header string) []string {
	type weighted struct {
		tag string
		q   float64
	}
	var tags []weighted
	for part := range strings.SplitSeq(header, ",") {
		if len(tags) == maxAcceptLanguage {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		q, ok := parseQ(params)
		if !ok || q == 0 {
			continue
		}
		tags = append(tags, weighted{tag, q})
	}
	slices.SortStableFunc(tags, func(a, b weighted) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.tag
	}
	return out
}

// parseQ reads the q parameter from the ";"-separated parameters of one Accept-Language
// entry. A missing q means 1; a q outside [0, 1] or not a number is malformed.
func parseQ(params string) (float64, bool) {
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		name, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || v < 0 || v > 1 {
			return 0, false
		}
		q = v
	}
	return q, true
}

// T returns the message for key in lang, falling back to the Default catalog and then to
// the key itself, so a missing translation never renders as an empty string. lang may be
// any tag Match accepts. vars are name, value pairs substituted into {name} placeholders, as
// in T("de", "summary.delivered", "done", "2", "total", "3"); a trailing unpaired name is
// ignored, and placeholders without a value are left as they are.
func T(lang, key string, vars ...string) string {
	msg, ok := catalogs[Match(lang)][key]
	if !ok {
		msg, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(vars) < 2 || !strings.Contains(msg, "{") {
		return msg
	}
	return fill(msg, vars)
}

// fill replaces each {name} of msg that vars (name, value pairs) names, in one pass, so a
// value that itself contains "{name}" is not expanded. Unknown placeholders stay as they are.
func fill(msg string, vars []string) string {
	var b strings.Builder
	b.Grow(len(msg) + 16)
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(msg[open:], '}')
		if end < 0 {
			break
		}
		name := msg[open+1 : open+end]
		val, ok := "", false
		for i := 0; i+1 < len(vars); i += 2 {
			if vars[i] == name {
				val, ok = vars[i+1], true
				break
			}
		}
		b.WriteString(msg[:open])
		if ok {
			b.WriteString(val)
		} else {
			b.WriteString(msg[open : open+end+1])
		}
		msg = msg[open+end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// Has reports whether lang's own catalog has key, without falling back to Default. lang
// may be any tag Match accepts; an unsupported language has no keys.
func Has(lang, key string) bool {
	_, ok := catalogs[Match(lang)][key]
	return ok
}

// Keys returns the sorted keys of lang's catalog, or nil if lang is not supported.
func Keys(lang string) []string {
	m, ok := catalogs[Match(lang)]
	if !ok {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}
