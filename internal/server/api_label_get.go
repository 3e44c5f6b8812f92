package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// handleLabelGet serves the uploaded shipping label of a tracking to the token of the order's
// account; another account's order, or a tracking without a label, is not found.
func (s *Server) handleLabelGet(w http.ResponseWriter, r *http.Request) {
	g, err := s.access.TokenOrder(r.Context(), auth.BearerToken(r.Header.Get("Authorization")), chi.URLParam(r, "id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	l, err := s.db.Label(r.Context(), chi.URLParam(r, "tracking_id"))
	if err == nil && l.OrderID != g.Order.ID {
		err = status.ErrNotFound
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeLabel(w, l)
}

// writeLabel sends a label as a download, never rendered in place.
func writeLabel(w http.ResponseWriter, l status.Label) {
	w.Header().Set("Content-Type", l.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(l.Data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", "attachment")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(l.Data)
}
