// Package templates holds the templ components of the shopper pages and the support console.
// Components only format what they are given: no store calls, no clock, no environment.
package templates

import (
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/web/static"
	"strings"
)

// Page is what every page's layout needs.
type Page struct {
	Lang  string
	Title string
	// Shop brands the page; nil for pages that belong to no shop.
	Shop *Shop
	// LangReturn is where the language switcher sends the shopper back to; "" hides it.
	LangReturn string
}

// Shop is the branding and support contact of an account.
type Shop struct {
	Name    string // the name shoppers see (display name, else the account's name)
	LogoURL string // a same-origin URL; "" shows the name alone
	ShopURL string // where the logo and name link; "" links nowhere
	// ReturnsURL is offered as "Start a return" on delivered orders.
	ReturnsURL string
	// Stylesheet is the URL of the page's one stylesheet: app.css with the account's colours.
	Stylesheet   string
	SupportEmail string
	SupportPhone string
	SupportURL   string
}

// stylesheet is the page's one stylesheet: the shop's, else app.css.
func (p Page) stylesheet() string {
	if p.Shop != nil && p.Shop.Stylesheet != "" {
		return p.Shop.Stylesheet
	}
	return staticPath("app.css")
}

// hasContact reports whether the shop gives any way to reach it.
func (s *Shop) hasContact() bool {
	return s.SupportEmail != "" || s.SupportPhone != "" || s.SupportURL != ""
}

// T translates a catalog key into the page's language.
func (p Page) T(key string, vars ...string) string { return i18n.T(p.Lang, key, vars...) }

// Languages is the list offered by the switcher: every supported language, named in
// itself as CLDR names it (i18n.SelfName), so a reader finds their own.
var Languages = languages()

func languages() []struct{ Code, Name string } {
	out := make([]struct{ Code, Name string }, len(i18n.Supported))
	for i, l := range i18n.Supported {
		out[i].Code, out[i].Name = l, i18n.SelfName(l)
	}
	return out
}

func staticPath(name string) string { return static.Path(name) }

// telHref strips a phone number to what a tel: link takes.
func telHref(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '+' || (r >= '0' && r <= '9') {
			out = append(out, r)
		}
	}
	return string(out)
}

// nbsp keeps a phone number on one line.
func nbsp(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
