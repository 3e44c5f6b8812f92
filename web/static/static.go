// Package static holds the CSS, icons and scripts of the pages, embedded in the binary and
// served under content-hashed names so that browsers may cache them forever.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed *.css *.js *.svg
var files embed.FS

type asset struct {
	name string // original name, e.g. app.css
	body []byte
	etag string
}

var (
	byHashed = map[string]asset{}
	hashed   = map[string]string{}
)

func init() {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + h + ext
		byHashed[name] = asset{name: e.Name(), body: b, etag: `"` + h + `"`}
		hashed[e.Name()] = name
	}
}

// Path returns the URL path of a static file under its content-hashed name.
func Path(name string) string {
	h, ok := hashed[name]
	if !ok {
		panic("static: no file " + name)
	}
	return "/static/" + h
}

// Body returns the content of a static file and its content hash (the one in its Path), for
// responses that build on it, such as a shop's stylesheet.
func Body(name string) (body []byte, hash string) {
	a, ok := byHashed[hashed[name]]
	if !ok {
		panic("static: no file " + name)
	}
	return a.body, strings.Trim(a.etag, `"`)
}

// Handler serves /static/<hashed name> with immutable caching and an ETag.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed[path.Base(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", a.etag)
		if r.Header.Get("If-None-Match") == a.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		switch path.Ext(a.name) {
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case ".svg":
			w.Header().Set("Content-Type", "image/svg+xml")
		}
		w.Write(a.body)
	})
}
