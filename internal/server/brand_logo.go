package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// handleBrandLogo serves an account's uploaded logo under its content-hashed name
// (status.Logo.URL): cached for good, since a new upload gets a new name. A name that is not
// the current logo's is 404.
func (s *Server) handleBrandLogo(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "account"), 10, 64)
	if err != nil {
		s.handleNotFound(w, r)
		return
	}
	l, err := s.db.AccountLogo(r.Context(), id)
	if err != nil || "/brand/"+chi.URLParam(r, "account")+"/"+chi.URLParam(r, "file") != l.URL() {
		s.handleNotFound(w, r)
		return
	}
	etag := `"` + l.SHA256 + `"`
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	// An image needs nothing else; should a browser ever open it as a document, it runs nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if strings.Contains(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(l.Data)))
	w.Write(l.Data)
}
