package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// routes is the map of every route the product serves.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.recoverer, s.logRequests, securityHeaders)

	// Operator endpoints.
	r.Get("/healthz", s.handleHealth)

	// Ingest and read API for shops and carriers (API token).
	r.Route("/v4/track", func(r chi.Router) {
		r.Put("/orders/", s.handleOrderPut)
		r.Post("/orders/", s.handleOrderPost)
		r.Get("/orders/", s.handleOrderList)
		r.Post("/events/", s.handleEventsPost)
		r.Get("/orders/info/", s.handleInfo)
		r.Get("/orders/{id}/", s.handleOrderGet)
	})
	r.NotFound(s.handleNotFound)
	r.MethodNotAllowed(s.handleMethodNotAllowed)
	return r
}
