package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/web/static"
)

// routes is the map of every route the product serves. Every request passes observe first
// (request id, security headers, recovery, access log, metrics; middleware.go).
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()

	// Operator endpoints.
	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)
	r.Get("/metrics", s.handleMetrics)

	// Ingest and read API for shops and carriers (API token). Nothing is stored by caches.
	r.Get("/v4/openapi.json", s.handleOpenAPI)
	r.Route("/v4/track", func(r chi.Router) {
		r.Use(noStore)
		r.Put("/orders/", s.handleOrderPut)
		r.Post("/orders/", s.handleOrderPost)
		r.Get("/orders/", s.handleOrderList)
		r.Post("/events/", s.handleEventsPost)
		r.Get("/orders/info/", s.handleInfo)
		r.Get("/orders/info-widget/", s.handleWidget)
		r.Get("/orders/info-widget/alt", s.handleWidgetAlt)
		r.Get("/orders/{id}/", s.handleOrderGet)
		r.Get("/orders/{id}/callbacks/", s.handleOrderCallbacks)
		r.Put("/orders/{id}/trackings/{tracking_id}/label", s.handleLabelPut)
		r.Get("/orders/{id}/trackings/{tracking_id}/label", s.handleLabelGet)
		r.Get("/couriers/", s.handleCouriers)
		r.Get("/account/", s.handleAccountGet)
		r.Put("/account/", s.handleAccountPut)
		r.Put("/account/logo", s.handleAccountLogoPut)
		r.Delete("/account/logo", s.handleAccountLogoDelete)
	})

	// Shopper pages. Forms post same-origin only (cross-origin protection).
	r.Get("/", s.handleHome)
	r.With(s.csrf.Handler).Post("/", s.handleSearch)
	r.Get("/track", s.handleTrack)
	r.With(s.csrf.Handler).Post("/track/verify", s.handleVerify)
	r.With(s.csrf.Handler).Post("/track/feedback", s.handleFeedback)
	r.With(s.csrf.Handler).Post("/track/lang", s.handleLang)

	// Support console (staff session; every form posts same-origin only; nothing is stored
	// by caches).
	r.Get("/support", s.handleSupportRoot)
	r.Route("/support/", func(r chi.Router) {
		r.Use(s.csrf.Handler, noStore)
		r.Get("/login", s.handleSupportLoginForm)
		r.Post("/login", s.handleSupportLogin)
		r.Post("/logout", s.handleSupportLogout)
		r.Group(func(r chi.Router) {
			r.Use(s.requireStaff)
			r.Get("/", s.handleSupportSearch)
			r.Get("/orders/{id}", s.handleSupportOrder)
			r.Post("/orders/{id}/open", s.handleSupportOpenAsShopper)
			r.Post("/orders/{id}/notes", s.handleSupportNoteAdd)
			r.Get("/orders/{id}/trackings/{tracking_id}/label", s.handleSupportLabel)
			r.Get("/audit", s.handleSupportAudit)
		})
	})

	// Static files: content-hashed and immutable; shop colours; demo article images.
	r.Handle("/static/*", static.Handler())
	r.Get("/brand/{file}", s.handleBrandCSS)
	r.Get("/brand/{account}/{file}", s.handleBrandLogo)
	if s.cfg.Assets != nil {
		r.Handle("/demo/assets/*", http.StripPrefix("/demo/assets/", assetHandler(s.cfg.Assets)))
	}
	r.NotFound(s.handleNotFound)
	r.MethodNotAllowed(s.handleMethodNotAllowed)
	return r
}
