// Package i18n holds the shopper-facing message catalogs, picks a language from what the
// request offers, and formats dates and times the way each language writes them.
//
// Catalogs are flat JSON objects (key -> message) embedded from catalogs/<lang>.json and
// parsed once when the package is loaded. Messages take named placeholders such as {done},
// {total} or {date}, which T fills in; a message about a count has CLDR plural forms
// (key|one, key|few, ...; see N). Languages are matched with golang.org/x/text/language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Supported lists the languages that have a catalog, as lower-case ISO 639-1 codes:
// Default first, then the 24 official languages of the EU, Norwegian Bokmål, Russian,
// Turkish and Ukrainian, by code. The language switcher lists them in this order.
var Supported = []string{"en",
	"bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
	"lv", "mt", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk"}

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

// tags are the Supported languages as language tags, in the same order; matcher picks
// among them. Both are built once at load time and only read afterwards.
var (
	tags    = supportedTags()
	matcher = language.NewMatcher(tags)
)

func supportedTags() []language.Tag {
	out := make([]language.Tag, len(Supported))
	for i, l := range Supported {
		out[i] = language.MustParse(l)
	}
	return out
}

// Match returns the first supported language among candidates. Each candidate may be a
// BCP 47 tag like "de-AT", "de_AT", "DE", "pt-BR" or "no" (case ignored; the region does not
// matter) or an empty string, which is skipped. A candidate counts when CLDR's language
// matcher (golang.org/x/text/language) is at least highly confident that a reader of it
// reads a supported language: "no" and "nn" give "nb", "bs" gives "hr". It returns "" if no
// candidate is supported.
func Match(candidates ...string) string {
	for _, c := range candidates {
		if _, ok := catalogs[c]; ok {
			return c // the common case, without the matcher's work
		}
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		t, err := language.Parse(c)
		if err != nil {
			continue
		}
		if l := matchTags(t); l != "" {
			return l
		}
	}
	return ""
}

// matchTags returns the supported language the matcher picks for tags, in order of
// preference, or "" when it is not at least highly confident.
func matchTags(t ...language.Tag) string {
	_, i, conf := matcher.Match(t...)
	if conf < language.High {
		return ""
	}
	return Supported[i]
}

// maxAcceptLanguage bounds the work done for one header; browsers send a handful of tags.
const maxAcceptLanguage = 1024

// FromAcceptLanguage returns the supported language that best serves an Accept-Language
// header, or "" when none does. The header is parsed and matched by
// golang.org/x/text/language (q values ordered, q=0 excluded, regions and scripts weighed
// by CLDR's matching data): "fr-CH, fr;q=0.9, en;q=0.8" gives "fr". A malformed header
// offers nothing, as does one longer than a browser would send.
func FromAcceptLanguage(header string) string {
	if header == "" || len(header) > maxAcceptLanguage {
		return ""
	}
	accepted, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(accepted) == 0 {
		return ""
	}
	return matchTags(accepted...)
}

// Tag returns lang's language tag for CLDR formatting (numbers, currencies, names), or
// Default's when lang is not supported.
func Tag(lang string) language.Tag {
	l := Match(lang)
	if l == "" {
		l = Default
	}
	return tags[slices.Index(Supported, l)]
}

// SelfName returns a supported language's name in that language, as CLDR writes it
// (golang.org/x/text/language/display.Self) with its first letter in upper case, as a menu
// entry begins: "Deutsch", "Français", "Ελληνικά", "Norsk bokmål". It is "" when lang is not
// supported.
func SelfName(lang string) string {
	l := Match(lang)
	if l == "" {
		return ""
	}
	name := display.Self.Name(Tag(l))
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
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
