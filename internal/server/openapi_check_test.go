package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/go-chi/chi/v5"
)

// The API description, loaded and checked once per test binary.
var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		for _, ct := range []string{"image/png", "image/jpeg", "image/webp"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(openAPI)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(loader.Context); specErr != nil {
			return
		}
		specRouter, specErr = gorillamux.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("openapi.json: %v", specErr)
	}
	return specDoc, specRouter
}

// apiCheck is what the validator saw: the operations and statuses of the responses it
// checked.
type apiCheck struct {
	mu   sync.Mutex
	seen map[string]map[int]bool // operationId -> status codes
}

func (c *apiCheck) saw(op string, code int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[op][code]
}

// checkAPI wraps the server's handler in tests: every response to a /v4 route is validated
// against openapi.json (status documented, headers and body matching its schema), and a
// request that reached a /v4 route the description lacks fails the test. Benchmarks are not
// wrapped.
func checkAPI(t testing.TB, h http.Handler) (http.Handler, *apiCheck) {
	c := &apiCheck{seen: map[string]map[int]bool{}}
	if _, ok := t.(*testing.B); ok {
		return h, c
	}
	_, router := loadSpec(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v4/") {
			h.ServeHTTP(w, r)
			return
		}
		// chi fills a route context it finds in the request, so the matched pattern is
		// known here afterwards.
		rctx := chi.NewRouteContext()
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
		// The request body is kept to validate it afterwards.
		var reqBody []byte
		if r.Body != nil {
			reqBody, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		rec := &captureWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		code := rec.status()
		route, params, err := router.FindRoute(r)
		if err != nil {
			if rctx.RoutePattern() != "" && code != http.StatusMethodNotAllowed {
				t.Errorf("openapi: %s %s reached route %q, which openapi.json lacks: %v", r.Method, r.URL.Path, rctx.RoutePattern(), err)
			}
			return
		}
		// A request the server accepted must be one the description accepts: its parameters
		// and body schemas may not be narrower than what the code takes.
		if code >= 200 && code < 300 {
			vr := r.Clone(r.Context())
			vr.Body = io.NopCloser(bytes.NewReader(reqBody))
			rin := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
			if err := openapi3filter.ValidateRequest(r.Context(), rin); err != nil {
				t.Errorf("openapi: %s %s was accepted (%d) but openapi.json rejects the request: %v\nbody: %.400s", r.Method, r.URL.RequestURI(), code, err, reqBody)
			}
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
			Status:                 code,
			Header:                 rec.Header(),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		in.SetBodyBytes(decodedBody(t, rec.Header().Get("Content-Encoding"), rec.body.Bytes()))
		if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
			t.Errorf("openapi: %s %s answered %d, which does not match openapi.json: %v\nbody: %.400s", r.Method, r.URL.RequestURI(), code, err, rec.body.Bytes())
		}
		c.mu.Lock()
		op := route.Operation.OperationID
		if c.seen[op] == nil {
			c.seen[op] = map[int]bool{}
		}
		c.seen[op][code] = true
		c.mu.Unlock()
	}), c
}

// captureWriter passes a response through and keeps a copy of its status and body.
type captureWriter struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) status() int {
	if c.code == 0 {
		return http.StatusOK
	}
	return c.code
}

// Unwrap lets http.ResponseController reach the real writer.
func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

var _ io.Writer = (*captureWriter)(nil)

// decodedBody undoes a response's Content-Encoding, so that the description validates what
// the client reads.
func decodedBody(t testing.TB, encoding string, b []byte) []byte {
	var rd io.Reader
	switch encoding {
	case "":
		return b
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Errorf("gzip body: %v", err)
			return b
		}
		rd = zr
	case "br":
		rd = brotli.NewReader(bytes.NewReader(b))
	default:
		t.Errorf("unknown Content-Encoding %q", encoding)
		return b
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		t.Errorf("%s body: %v", encoding, err)
	}
	return out
}
