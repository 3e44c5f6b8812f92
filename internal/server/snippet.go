package server

import (
	"net/url"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/widget"
)

// EmailLinks are the signed links a shop puts into an email for one order.
type EmailLinks struct {
	PageURL   string
	WidgetURL string
	Alt       string
	HTML      string
}

// DefaultWidgetWidth is the widget's width in CSS pixels when none is asked for.
const DefaultWidgetWidth = widget.DefaultWidth

// BuildEmailLinks signs the page and widget URLs for an order (looked up by order number)
// and builds the email snippet: a link to the page around the widget image, with the status
// in the alt text. ttl 0 means links that do not expire.
func BuildEmailLinks(base string, acct status.Account, o *status.Order, lang string, ttl time.Duration, now time.Time) EmailLinks {
	q := auth.SignedQuery(acct, auth.OrderLookup(o), ttl, now)
	if lang == "" {
		lang = i18n.Match(o.LanguageISO2, acct.Language)
	}
	if lang == "" {
		lang = i18n.Default
	}
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("lang", lang)
	links := EmailLinks{
		PageURL:   base + "/track?" + q.Encode(),
		WidgetURL: base + "/v4/track/orders/info-widget/?" + wq.Encode(),
	}
	// An email is read days later: its alt text has absolute dates.
	links.Alt = status.Summarize(o, status.SummaryOptions{Access: status.AccessShopper, Lang: lang, Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort}).Alt
	links.HTML = widget.Snippet(links.PageURL, links.WidgetURL, links.Alt, DefaultWidgetWidth)
	return links
}
