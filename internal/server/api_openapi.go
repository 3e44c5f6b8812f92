package server

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
)

// openAPI is the OpenAPI 3.1 description of every /v4 route. The API tests validate every
// response they get against it, and fail when a /v4 route is missing from it.
//
//go:embed openapi.json
var openAPI []byte

var openAPIETag = func() string {
	sum := sha256.Sum256(openAPI)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}()

// handleOpenAPI serves the API description (GET /v4/openapi.json).
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", openAPIETag)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Access-Control-Allow-Origin", "*") // API explorers on other origins may read it
	if r.Header.Get("If-None-Match") == openAPIETag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	w.Write(openAPI)
}
