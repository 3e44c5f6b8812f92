package callback

import (
	"encoding/json"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Body is the JSON every callback carries and GET /v4/track/orders/{id}/ returns: the order
// as stored with its derived state (status.OrderBody), the summary worded in the order's
// language with absolute dates as of now, since the receiver reads it later.
func Body(o *status.Order, now time.Time) ([]byte, error) {
	return json.Marshal(OrderBody(o, now))
}

// OrderBody is the value Body encodes.
func OrderBody(o *status.Order, now time.Time) status.OrderBody {
	lang := i18n.Match(o.LanguageISO2)
	if lang == "" {
		lang = i18n.Default
	}
	return status.NewOrderBody(o, status.SummaryOptions{Lang: lang, Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort})
}
