package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

// checkCallbackURL vets a callback URL at save time; the worker checks the address it
// connects to again.
func (s *Server) checkCallbackURL(u string) error {
	err := callback.CheckURL(u, s.cfg.AllowPrivateCallbacks)
	if errors.Is(err, callback.ErrNotPublic) {
		return errors.New("Callback URLs must reach a public address; this one is loopback, private or reserved.")
	}
	if err != nil {
		return errors.New("Enter a valid http or https URL without credentials.")
	}
	return nil
}

// callbackLog is the body of GET /v4/track/orders/{id}/callbacks/.
type callbackLog struct {
	Order   string              `json:"order"`
	Results []callback.Delivery `json:"results"`
}

// handleOrderCallbacks returns the delivery log of an order's callbacks, newest first.
func (s *Server) handleOrderCallbacks(w http.ResponseWriter, r *http.Request) {
	acct, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	o, err := s.db.Order(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if o.Account != acct.ID {
		s.apiFail(w, r, status.ErrForbidden)
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
