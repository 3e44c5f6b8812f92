package cache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Body is a response body kept for many requests, with its strong ETag and its compressed
// forms, each compressed once, at its first request that accepts it.
type Body struct {
	Raw         []byte
	ContentType string
	ETag        string

	gzOnce, brOnce sync.Once
	gz, br         []byte
}

// minCompress is the smallest body worth compressing (below it the headers dominate).
const minCompress = 512

// NewBody keeps raw. The ETag is tag (a version the caller names the body by, e.g. the
// order version) followed by a hash of the bytes, so that it changes when either does.
func NewBody(raw []byte, contentType, tag string) *Body {
	sum := sha256.Sum256(raw)
	etag := `"` + tag
	if tag != "" {
		etag += "-"
	}
	etag += hex.EncodeToString(sum[:9]) + `"`
	return &Body{Raw: raw, ContentType: contentType, ETag: etag}
}

// Size is the memory the body holds, compressed forms included once they exist (an upper
// bound: the compressed forms are smaller than the raw body).
func (b *Body) Size() int64 {
	n := int64(len(b.Raw)) + int64(len(b.ETag)) + int64(len(b.ContentType)) + 64
	if compressible(b.ContentType) && len(b.Raw) >= minCompress {
		n += int64(len(b.Raw)) // room for the compressed forms
	}
	return n
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") ||
		strings.HasPrefix(ct, "image/svg+xml") || strings.HasPrefix(ct, "application/javascript")
}

func (b *Body) gzipped() []byte {
	b.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b.Raw)
		zw.Close()
		b.gz = buf.Bytes()
	})
	return b.gz
}

func (b *Body) brotlied() []byte {
	b.brOnce.Do(func() {
		var buf bytes.Buffer
		bw := brotli.NewWriterLevel(&buf, 9)
		bw.Write(b.Raw)
		bw.Close()
		b.br = buf.Bytes()
	})
	return b.br
}

// Serve writes the body with status 200, or 304 when the request's If-None-Match names its
// ETag, in the best encoding the client accepts (brotli, gzip or none). Headers the caller
// set (Cache-Control, Vary) stay.
func (b *Body) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", b.ETag)
	canCompress := compressible(b.ContentType) && len(b.Raw) >= minCompress
	if canCompress {
		h.Add("Vary", "Accept-Encoding")
	}
	if NoneMatch(r.Header.Get("If-None-Match"), b.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", b.ContentType)
	body := b.Raw
	if canCompress {
		switch acceptEncoding(r.Header.Get("Accept-Encoding")) {
		case "br":
			body = b.brotlied()
			h.Set("Content-Encoding", "br")
		case "gzip":
			body = b.gzipped()
			h.Set("Content-Encoding", "gzip")
		}
	}
	w.Write(body)
}

// NoneMatch reports whether an If-None-Match header names etag (or is "*").
func NoneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == etag || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptEncoding picks "br", "gzip" or "" from an Accept-Encoding header: the first of br and
// gzip the client accepts (a q of 0 refuses).
func acceptEncoding(header string) string {
	if header == "" {
		return ""
	}
	br, gz := false, false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if q := strings.ReplaceAll(params, " ", ""); strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "" {
			continue
		}
		switch name {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		case "*":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}
