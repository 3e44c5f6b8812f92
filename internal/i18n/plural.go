package i18n

import (
	"golang.org/x/text/feature/plural"
)

// Messages that depend on a count have plural forms. The catalog key itself holds the
// "other" form (so a language or a caller that knows no plurals still reads a sentence), and
// key|zero, key|one, key|two, key|few and key|many hold the forms of the CLDR plural
// categories the language uses for whole numbers: "page.too_many_attempts|one" in English;
// "|one", "|few" and "|many" in Polish, Czech, Russian and Ukrainian. Which categories a
// language has comes from CLDR through golang.org/x/text/feature/plural, and the catalog
// test checks that each catalog has exactly those forms.

// PluralSep joins a key and a plural category in a catalog key.
const PluralSep = "|"

// pluralNames names x/text's plural forms as CLDR does.
var pluralNames = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

// PluralCategory returns the CLDR plural category of the whole number n in lang: "zero",
// "one", "two", "few", "many" or "other". Polish: 1 one, 2 few, 5 many, 22 few. An
// unsupported lang is treated as Default.
func PluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	return pluralNames[plural.Cardinal.MatchPlural(Tag(lang), n, 0, 0, 0, 0)]
}

// PluralCategories returns the categories lang uses for whole numbers other than "other",
// in a fixed order (zero, one, two, few, many): the plural forms its catalog must have for
// each counted message. It samples 0..1000, which covers every CLDR integer rule's pattern.
func PluralCategories(lang string) []string {
	seen := map[string]bool{}
	for n := 0; n <= 1000; n++ {
		seen[PluralCategory(lang, n)] = true
	}
	var out []string
	for _, c := range []string{"zero", "one", "two", "few", "many"} {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// N returns the message for key in lang in the plural form for the count n, filled with
// vars as T fills them (the caller passes the count among vars under the placeholder's
// name). It uses lang's key|category, else lang's key (the "other" form), and falls back to
// Default the same way.
func N(lang, key string, n int, vars ...string) string {
	l := Match(lang)
	if l == "" {
		l = Default
	}
	for _, c := range []string{l, Default} {
		m := catalogs[c]
		if _, ok := m[key]; !ok {
			continue
		}
		if _, ok := m[key+PluralSep+PluralCategory(c, n)]; ok {
			return T(c, key+PluralSep+PluralCategory(c, n), vars...)
		}
		return T(c, key, vars...)
	}
	return key
}
