package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/static"
)

// defaultAccent is app.css's own accent, used when an account's colour is missing or does
// not pass status.CheckAccent.
const defaultAccent = "#0b6e4f"

// brandStylesheet is a shop page's one stylesheet: app.css followed by the account's accent
// colour for the light theme and status.DarkAccent of it for the dark one. One file, so the
// page makes one stylesheet request and no render-blocking chain; a file rather than inline
// styles, which the Content-Security-Policy forbids.
func brandStylesheet(accent string) []byte {
	c := brandAccent(accent)
	app, _ := static.Body("app.css")
	tail := "\n/* shop colours */\n:root{--accent:" + c + "}\n@media (prefers-color-scheme: dark){:root{--accent:" + status.DarkAccent(c) + "}}\n"
	return append(append(make([]byte, 0, len(app)+len(tail)), app...), tail...)
}

// brandAccent is the accent a shop's stylesheet uses: the account's, when it passes
// status.CheckAccent, else app.css's own.
func brandAccent(accent string) string {
	if c, err := status.CheckAccent(accent); err == nil {
		return c
	}
	return defaultAccent
}

// brandHash names the content of brandStylesheet(accent) without building it.
func brandHash(accent string) string {
	_, appHash := static.Body("app.css")
	sum := sha256.Sum256([]byte(appHash + brandAccent(accent)))
	return hex.EncodeToString(sum[:])[:12]
}

// brandStylesheetPath is the content-hashed URL of an account's stylesheet.
func brandStylesheetPath(a status.Account) string {
	return "/brand/" + strconv.FormatInt(a.ID, 10) + "." + brandHash(a.AccentColor) + ".css"
}

// handleBrandCSS serves /brand/{account}.{hash}.css. A URL whose hash is the current one is
// cached forever; an old hash (a page rendered before the colour changed) gets the current
// stylesheet, revalidated on every use.
func (s *Server) handleBrandCSS(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(chi.URLParam(r, "file"), ".css")
	idPart, hash, _ := strings.Cut(name, ".")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	a, err := s.db.Account(r.Context(), id)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	current := brandHash(a.AccentColor)
	etag := `"` + current + `"`
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("ETag", etag)
	if hash == current {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(brandStylesheet(a.AccentColor))
}
