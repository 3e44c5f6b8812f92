package server

import (
	"net/http"
)

// handleReady answers 200 when the database is reachable and fully migrated, so a load
// balancer sends traffic only to instances that can serve it; /healthz only says the process
// runs.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ready(r.Context()); err != nil {
		s.logger.WarnContext(r.Context(), "not ready", "err", err, "request_id", requestIDOf(r))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
