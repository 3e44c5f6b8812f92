package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// handleSupportLabel serves a tracking's uploaded shipping label to a staff user who may see
// the order's account.
func (s *Server) handleSupportLabel(w http.ResponseWriter, r *http.Request) {
	g, err := s.access.StaffOrder(r.Context(), staffOf(r), chi.URLParam(r, "id"))
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	l, err := s.db.Label(r.Context(), chi.URLParam(r, "tracking_id"))
	if err == nil && l.OrderID != g.Order.ID {
		err = status.ErrNotFound
	}
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	writeLabel(w, l)
}
