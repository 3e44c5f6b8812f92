package server

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// handleLabelPut stores an uploaded shipping label (PDF or PNG) of a tracking of the token's
// own account and answers the order body, whose shipping_label now points at the label.
func (s *Server) handleLabelPut(w http.ResponseWriter, r *http.Request) {
	g, err := s.access.TokenOrder(r.Context(), auth.BearerToken(r.Header.Get("Authorization")), chi.URLParam(r, "id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, status.MaxLabelSize))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = httpError(http.StatusRequestEntityTooLarge, "The label is larger than 1 MiB.")
		}
		s.apiFail(w, r, err)
		return
	}
	tid := chi.URLParam(r, "tracking_id")
	url := s.cfg.BaseURL + "/v4/track/orders/" + g.Order.ID + "/trackings/" + tid + "/label"
	o, err := s.ingest.AttachLabel(r.Context(), s.db, g.Order.ID, tid, ct, data, url)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.orderBody(g.Account, o))
}
