package server

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// shopperViewTTL is how long the link behind "Open as shopper" works: long enough to look,
// short enough that a link left in a browser history soon stops working.
const shopperViewTTL = time.Hour

// handleSupportOpenAsShopper opens the order's shopper page with a fresh signed link (the
// signing of `orderstatus link`), written to the audit log first. The console's form posts
// into a new tab.
func (s *Server) handleSupportOpenAsShopper(w http.ResponseWriter, r *http.Request) {
	u := staffOf(r)
	g, err := s.access.StaffOrder(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	o := g.Order
	if err := s.db.AddAudit(r.Context(), auth.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: auth.AuditOpenAsShopper, OrderID: o.ID, AccountID: o.Account}); err != nil {
		s.supportFail(w, r, err)
		return
	}
	links := BuildEmailLinks(s.cfg.BaseURL, g.Account, o, "", shopperViewTTL, s.now())
	http.Redirect(w, r, links.PageURL, http.StatusSeeOther)
}

// handleSupportNoteAdd stores an agent's note on an order (with its audit entry) and goes
// back to the order (Post/Redirect/Get); a note that is empty or too long re-renders the
// page with the problem.
func (s *Server) handleSupportNoteAdd(w http.ResponseWriter, r *http.Request) {
	u := staffOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, 4*auth.MaxNoteLength+1024)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad request", http.StatusBadRequest)
		return
	}
	g, err := s.access.StaffOrder(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	body, err := auth.CheckNote(r.PostForm.Get("note"))
	var verr *status.ValidationError
	if errors.As(err, &verr) {
		s.showSupportOrder(w, r, g, http.StatusUnprocessableEntity, r.PostForm.Get("note"), verr.Problems[0].Detail)
		return
	}
	o := g.Order
	if _, err := s.db.AddOrderNote(r.Context(), auth.OrderNote{OrderID: o.ID, AccountID: o.Account, UserID: u.ID, UserEmail: u.Email, Body: body}); err != nil {
		s.supportFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/support/orders/"+url.PathEscape(o.ID)+"#notes", http.StatusSeeOther)
}
