package server

import (
	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// orderBody is the order body an API response carries: the callback body with the order's
// tracking_link, which needs the base URL and the account's signing key.
func (s *Server) orderBody(a status.Account, o *status.Order) status.OrderBody {
	b := callback.OrderBody(o, s.now())
	link := auth.TrackingLink(s.cfg.BaseURL, a, o)
	b.TrackingLink = &link
	return b
}
