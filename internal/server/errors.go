package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/orderstatus/orderstatus/internal/status"
)

// statusClientClosed is the status logged for a request its client abandoned (nginx's 499).
const statusClientClosed = 499

// apiError is an error with the HTTP status and message a client should see.
type apiError struct {
	code   int
	detail string
}

func (e *apiError) Error() string { return e.detail }

func httpError(code int, detail string) error { return &apiError{code, detail} }

// writeJSON writes v as the JSON response body.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"detail":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
	w.Write([]byte("\n"))
}

// apiFail maps a domain error to a JSON error response: 400 with every problem for validation
// errors, {"detail": …} otherwise. Unexpected errors are logged and answered generically.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var verr *status.ValidationError
	var aerr *apiError
	switch {
	case errors.As(err, &verr):
		writeJSON(w, http.StatusBadRequest, map[string]any{"type": "client_error", "errors": verr.Problems})
	case errors.As(err, &aerr):
		writeJSON(w, aerr.code, map[string]string{"detail": aerr.detail})
	case errors.Is(err, status.ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
	case errors.Is(err, status.ErrConflict):
		writeJSON(w, http.StatusConflict, map[string]string{"detail": "This order already exists; use PUT to update it."})
	case errors.Is(err, status.ErrForbidden):
		writeJSON(w, http.StatusForbidden, map[string]string{"detail": "This API token belongs to another account."})
	case errors.Is(err, status.ErrUnauthorized):
		w.Header().Set("WWW-Authenticate", `Bearer realm="orderstatus"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Authentication credentials were not provided or are invalid."})
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away before the write ran; nothing was stored. 499 is the status
		// proxies log for this; the client never sees it.
		writeJSON(w, statusClientClosed, map[string]string{"detail": "The client closed the request; nothing was stored."})
	default:
		s.logger.ErrorContext(r.Context(), "request failed", "err", err, "request_id", requestIDOf(r))
		writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": "Internal server error. Request id " + requestIDOf(r) + "."})
	}
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": "Method " + r.Method + " not allowed."})
}
