package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
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

// failure is what the surfaces tell a caller about one kind of domain error: the API's
// status and message, the shopper page's status, heading and text (catalog keys) and the
// widget's fallback reason. Not found and not allowed share one row wherever an anonymous
// caller could otherwise tell them apart.
type failure struct {
	code     int
	detail   string
	pageCode int
	heading  string
	message  string
	widget   string
}

// failures is the one table of domain errors every surface's error mapper reads (API JSON in
// apiFail, page HTML in pageError, widget PNG in widgetFallback, console in supportError).
var failures = []struct {
	err error
	f   failure
}{
	{status.ErrNotFound, failure{http.StatusNotFound, "Not found.", http.StatusNotFound, "page.not_found_heading", "page.not_found", "unavailable"}},
	{auth.ErrPersonalLookup, failure{http.StatusForbidden, "A lookup by recipient_email or customer_number needs an API token or a signed link (s).",
		http.StatusNotFound, "page.not_found_heading", "page.not_found", "unavailable"}},
	{auth.ErrBadSignature, failure{http.StatusForbidden, "The signature (s) is not valid for this lookup.",
		http.StatusNotFound, "page.not_found_heading", "page.not_found", "unavailable"}},
	{auth.ErrExpired, failure{http.StatusGone, "This link has expired. Verify with the recipient's email or postal code instead.",
		http.StatusGone, "page.expired_heading", "page.expired_link", "expired"}},
	{status.ErrConflict, failure{http.StatusConflict, "This order already exists; use PUT to update it.",
		http.StatusConflict, "page.error_generic", "page.error_retry", "error"}},
	{status.ErrForbidden, failure{http.StatusForbidden, "This API token belongs to another account.",
		http.StatusNotFound, "page.not_found_heading", "page.not_found", "unavailable"}},
	{status.ErrUnauthorized, failure{http.StatusUnauthorized, "Authentication credentials were not provided or are invalid.",
		http.StatusNotFound, "page.not_found_heading", "page.not_found", "unavailable"}},
}

// internalFailure is the answer to any error the table does not name.
var internalFailure = failure{http.StatusInternalServerError, "Internal server error.", http.StatusInternalServerError,
	"page.error_generic", "page.error_retry", "error"}

// classify looks an error up in the table; ok is false for unexpected errors, which the
// mappers log.
func classify(err error) (f failure, ok bool) {
	for _, row := range failures {
		if errors.Is(err, row.err) {
			return row.f, true
		}
	}
	return internalFailure, false
}

// setRetryAfter writes the Retry-After header of a 429; every surface calls it before it
// writes the status.
func setRetryAfter(w http.ResponseWriter, rl *auth.RateLimitError) {
	w.Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds()))
}

// writeJSON writes v as the JSON response body.
// jsonContentType is shared by every JSON response (assigned, not Set: no allocation).
var jsonContentType = []string{"application/json"}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"detail":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(code)
	w.Write(b)
	w.Write([]byte("\n"))
}

// apiFail is the API's error mapper: 400 with every problem for validation errors, 429 with
// Retry-After, {"detail": …} from the failure table otherwise. Unexpected errors are logged
// and answered generically.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var verr *status.ValidationError
	var aerr *apiError
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &verr):
		writeJSON(w, http.StatusBadRequest, map[string]any{"type": "client_error", "errors": verr.Problems})
		return
	case errors.As(err, &aerr):
		writeJSON(w, aerr.code, map[string]string{"detail": aerr.detail})
		return
	case errors.As(err, &rl):
		setRetryAfter(w, rl)
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"detail": "Too many verification attempts. Try again in " + strconv.Itoa(rl.RetryAfterMinutes()) + " minutes."})
		return
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away before the write ran; nothing was stored. 499 is the status
		// proxies log for this; the client never sees it.
		writeJSON(w, statusClientClosed, map[string]string{"detail": "The client closed the request; nothing was stored."})
		return
	}
	f, ok := classify(err)
	if !ok {
		s.logger.ErrorContext(r.Context(), "request failed", "err", err, "request_id", requestIDOf(r))
		writeJSON(w, f.code, map[string]string{"detail": "Internal server error. Request id " + requestIDOf(r) + "."})
		return
	}
	if f.code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="orderstatus"`)
	}
	writeJSON(w, f.code, map[string]string{"detail": f.detail})
}

// handleNotFound answers every address no route serves: a page for browsers, JSON for API
// clients (content negotiation on Accept).
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.statusPage(w, r, http.StatusNotFound, "page.no_such_page_heading", "page.no_such_page")
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.statusPage(w, r, http.StatusMethodNotAllowed, "page.no_such_page_heading", "page.no_such_page")
		return
	}
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": "Method " + r.Method + " not allowed."})
}

// statusPage renders the unbranded error page of a request that names no order.
func (s *Server) statusPage(w http.ResponseWriter, r *http.Request, code int, heading, message string) {
	lang := pageLang(r, s.shopperSession(r), "")
	page := templates.Page{Lang: lang, Title: i18n.T(lang, heading)}
	s.render(w, r, code, templates.ErrorPage(templates.ErrorView{Page: page, Heading: i18n.T(lang, heading), Message: i18n.T(lang, message)}))
}
