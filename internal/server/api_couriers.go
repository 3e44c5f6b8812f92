package server

import (
	"net/http"

	"github.com/orderstatus/orderstatus/internal/carrier"
)

// courierList is the body of GET /v4/track/couriers/.
type courierList struct {
	Results []carrier.Courier `json:"results"`
}

// handleCouriers lists the courier directory: the codes trackings may name, with the names
// and tracking pages the service fills in when a shop sends none. It holds no personal data,
// so anyone may read it and caches may keep it for a day.
func (s *Server) handleCouriers(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	writeJSON(w, http.StatusOK, courierList{Results: s.couriers.Couriers()})
}
