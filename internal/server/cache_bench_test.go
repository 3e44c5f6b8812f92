package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// BenchmarkCachedResponses measures a repeated signed info and page request: resolved from the
// read cache, answered from the response cache (the recorder copies the body).
func BenchmarkCachedResponses(b *testing.B) {
	e := newTestEnv(b)
	e.do(b, "PUT", "/v4/track/orders/", e.tokenA, orderPayload(1001, "ZZ-1", 3, 5))
	h := e.srv.Handler()
	q := auth.SignedQuery(e.acctA, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "ZZ-1"}, 0, time.Now()).Encode()
	for _, p := range []string{"/v4/track/orders/info/?", "/track?"} {
		b.Run(p, func(b *testing.B) {
			req := httptest.NewRequest("GET", p+q, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
