package server

import (
	"errors"
	"net/http"

	"github.com/orderstatus/orderstatus/internal/callback"
)

// checkCallbackURL vets a callback URL at save time; the worker checks the address it
// connects to again.
func (s *Server) checkCallbackURL(u string) string {
	err := callback.CheckURL(u, s.cfg.AllowPrivateCallbacks)
	if errors.Is(err, callback.ErrNotPublic) {
		return "Callback URLs must reach a public address; this one is loopback, private or reserved."
	}
	if err != nil {
		return "Enter a valid http or https URL without credentials."
	}
	return ""
}

// callbackLog is the body of GET /v4/track/orders/{id}/callbacks/.
type callbackLog struct {
	Order   string              `json:"order"`
	Results []callback.Delivery `json:"results"`
}

// handleOrderCallbacks returns the delivery log of an order's callbacks, newest first.
func (s *Server) handleOrderCallbacks(w http.ResponseWriter, r *http.Request) {
	o, err := s.tokenOrder(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ds, err := s.db.CallbackDeliveries(r.Context(), o.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, callbackLog{Order: o.ID, Results: ds})
}
