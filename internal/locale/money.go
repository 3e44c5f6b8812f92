package locale

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/orderstatus/orderstatus/internal/i18n"
)

// symbolAfter lists the languages whose CLDR currency pattern puts the symbol after the
// amount, separated by a (no-break) space: "#,##0.00 ¤". x/text formats the digits and
// the symbol from CLDR but always puts the symbol first, so the position is kept here.
// The others write "¤#,##0.00" (en, ga, mt, tr: "€49.90") or "¤ #,##0.00" (nl: "€ 49,90").
var symbolAfter = map[string]bool{
	"bg": true, "cs": true, "da": true, "de": true, "el": true, "es": true, "et": true, "fi": true,
	"fr": true, "hr": true, "hu": true, "it": true, "lt": true, "lv": true, "nb": true, "pl": true,
	"pt": true, "ro": true, "ru": true, "sk": true, "sl": true, "sv": true, "uk": true,
}

// symbolSpaced lists the languages that put the symbol first with a space ("¤ #,##0.00").
var symbolSpaced = map[string]bool{"nl": true}

// Money writes an amount of a currency as lang does: Money("de", "EUR", "49.90") is
// "49,90 €", Money("en", "EUR", "49.90") is "€49.90", Money("fr", "CHF", "1249.5") is
// "1 249,50 CHF". amount is the API's decimal string (at most 8 integer and 2 fraction
// digits); the currency's own number of decimals is used. An unknown currency code or an
// amount that is not a decimal number is returned as "CODE amount", as the shop sent it.
func Money(lang, code, amount string) string {
	code, amount = strings.TrimSpace(code), strings.TrimSpace(amount)
	unit, err := currency.ParseISO(code)
	v, verr := strconv.ParseFloat(amount, 64)
	if err != nil || verr != nil || strings.ContainsAny(amount, "eEnN") {
		return strings.TrimSpace(code + " " + amount)
	}
	l := i18n.Match(lang)
	if l == "" {
		l = i18n.Default
	}
	p := message.NewPrinter(i18n.Tag(l))
	scale, _ := currency.Standard.Rounding(unit)
	// A validated amount has at most 10 significant digits, which a float64 holds exactly
	// enough to print at the currency's scale; the stored value stays a decimal string.
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	digits := p.Sprint(number.Decimal(v, number.Scale(scale)))
	sym := p.Sprint(currency.Symbol(unit))
	switch {
	case symbolAfter[l]:
		return sign + digits + "\u00a0" + sym
	case symbolSpaced[l]:
		return sym + "\u00a0" + sign + digits
	}
	return sign + sym + digits
}

// Number writes a whole number with lang's digit grouping: 12345 is "12,345" in English,
// "12.345" in German and "12 345" in French.
func Number(lang string, n int) string {
	return message.NewPrinter(i18n.Tag(lang)).Sprint(number.Decimal(n))
}
