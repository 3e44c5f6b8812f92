package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// Support console sizes.
const (
	supportPageSize = 25
	auditPageSize   = 50
	// supportLinkTTL is how long the links the console hands out stay valid.
	supportLinkTTL = 90 * 24 * time.Hour
	maxLoginForm   = 16 << 10
)

var st = templates.ST

func (s *Server) staffAuth() *auth.Staff {
	return &auth.Staff{Store: s.db, Now: s.now, Refused: s.metrics.refused}
}

func supportPage(u auth.StaffUser, title, nav string) templates.SupportPage {
	return templates.SupportPage{Title: title, User: u.Email, IsAdmin: u.IsAdmin(), Nav: nav}
}

// handleSupportRoot sends /support to the search page.
func (s *Server) handleSupportRoot(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/support/", http.StatusMovedPermanently)
}

// handleSupportLoginForm shows the login form; a signed-in user goes straight on.
func (s *Server) handleSupportLoginForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if _, err := s.staffSession(r.Context(), r); err == nil {
		http.Redirect(w, r, localNext(q.Get("next")), http.StatusSeeOther)
		return
	}
	v := templates.SupportLoginView{Page: templates.SupportPage{Title: st("support.login.title")}, Next: q.Get("next")}
	if q.Get("expired") == "1" {
		v.Error = st("support.login.expired")
	}
	s.render(w, r, http.StatusOK, templates.SupportLoginPage(v))
}

// handleSupportLogin checks the credentials, starts a staff session and returns to the page
// the user came for. Unknown users, wrong passwords and disabled users get the same answer.
func (s *Server) handleSupportLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad request", http.StatusBadRequest)
		return
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	v := templates.SupportLoginView{Page: templates.SupportPage{Title: st("support.login.title")}, Email: email, Next: r.PostForm.Get("next")}
	if email == "" || password == "" {
		v.Error = st("support.login.missing")
		s.render(w, r, http.StatusUnprocessableEntity, templates.SupportLoginPage(v))
		return
	}
	u, err := s.staffAuth().Login(r.Context(), email, password, s.clientAddr(r))
	var lim *auth.LoginLimitError
	switch {
	case errors.As(err, &lim):
		secs := int(math.Ceil(lim.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Page.Title = st("support.throttled.title")
		v.Error = st("support.login.throttled", "time", s.now().Add(lim.RetryAfter).UTC().Format("15:04:05 UTC"))
		s.render(w, r, http.StatusTooManyRequests, templates.SupportLoginPage(v))
		return
	case errors.Is(err, auth.ErrBadLogin):
		v.Error = st("support.login.bad")
		s.render(w, r, http.StatusUnprocessableEntity, templates.SupportLoginPage(v))
		return
	case err != nil:
		s.supportFail(w, r, err)
		return
	}
	if err := s.startStaffSession(w, r, u); err != nil {
		s.supportFail(w, r, err)
		return
	}
	if err := s.db.AddAudit(r.Context(), auth.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: auth.AuditLogin}); err != nil {
		s.supportFail(w, r, err)
		return
	}
	http.Redirect(w, r, localNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// handleSupportLogout ends the staff session, also one that has already expired.
func (s *Server) handleSupportLogout(w http.ResponseWriter, r *http.Request) {
	if u, err := s.staffSession(r.Context(), r); err == nil {
		if err := s.db.AddAudit(r.Context(), auth.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: auth.AuditLogout}); err != nil {
			s.supportFail(w, r, err)
			return
		}
	}
	if err := s.endStaffSession(w, r); err != nil {
		s.supportFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/support/login", http.StatusSeeOther)
}

// handleSupportSearch is the search page: the box, and for a query the matching orders of
// the accounts the user may see. Every search is written to the audit log before it runs.
func (s *Server) handleSupportSearch(w http.ResponseWriter, r *http.Request) {
	u := staffOf(r)
	q := r.URL.Query()
	accounts, err := s.access.StaffAccounts(r.Context(), u)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	filter, _ := strconv.ParseInt(q.Get("account"), 10, 64)
	search := status.ParseSearch(q.Get("q"))
	v := templates.SupportSearchView{Page: supportPage(u, st("support.search.title"), "search"), Query: search.Text}
	v.Accounts = append(v.Accounts, templates.Option{Value: "", Label: st("support.search.all")})
	names := map[int64]string{}
	for _, a := range accounts {
		names[a.ID] = a.Name
		v.Accounts = append(v.Accounts, templates.Option{Value: strconv.FormatInt(a.ID, 10), Label: accountLabel(a), Selected: a.ID == filter})
		if filter == 0 || a.ID == filter {
			search.Accounts = append(search.Accounts, a.ID)
		}
	}
	if search.Text == "" {
		s.render(w, r, http.StatusOK, templates.SupportSearchPage(v))
		return
	}
	if err := s.db.AddAudit(r.Context(), auth.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: auth.AuditSearch, Query: search.Text, AccountID: filter}); err != nil {
		s.supportFail(w, r, err)
		return
	}
	page := pageParam(q)
	search.Limit, search.Offset = supportPageSize, (page-1)*supportPageSize
	ids, total, err := s.db.SearchOrders(r.Context(), search)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	v.Searched, v.Total = true, total
	v.Description = searchDescription(search, filter, names)
	for _, id := range ids {
		o, err := s.db.Order(r.Context(), id)
		if err != nil {
			s.supportFail(w, r, err)
			return
		}
		v.Rows = append(v.Rows, orderRow(o, names[o.Account], s.now()))
	}
	v.Pager = pager(r.URL, page, total, supportPageSize)
	s.render(w, r, http.StatusOK, templates.SupportSearchPage(v))
}

// handleSupportOrder shows everything stored about an order. An order of an account the
// user may not see is not found, exactly like an order that does not exist.
func (s *Server) handleSupportOrder(w http.ResponseWriter, r *http.Request) {
	u := staffOf(r)
	ctx := r.Context()
	g, err := s.access.StaffOrder(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	o := g.Order
	if err := s.db.AddAudit(ctx, auth.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: auth.AuditView, OrderID: o.ID, AccountID: o.Account}); err != nil {
		s.supportFail(w, r, err)
		return
	}
	s.showSupportOrder(w, r, g, http.StatusOK, "", "")
}

// showSupportOrder renders the order page of a staff grant; draft and problem re-show a
// note form that was refused.
func (s *Server) showSupportOrder(w http.ResponseWriter, r *http.Request, g *auth.Grant, code int, draft, problem string) {
	ctx := r.Context()
	o, acct := g.Order, g.Account
	feedback, err := s.db.Feedback(ctx, o.ID)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	deliveries, err := s.db.CallbackDeliveries(ctx, o.ID)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	notes, err := s.db.OrderNotes(ctx, o.ID)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	now := s.now()
	links := BuildEmailLinks(s.cfg.BaseURL, acct, o, "", supportLinkTTL, now)
	v := orderView(o, acct, links, feedback, deliveries, now)
	v.Page = supportPage(staffOf(r), st("support.order.title", "number", o.OrderNumber), "search")
	v.ID = o.ID
	for _, n := range notes {
		v.Notes = append(v.Notes, templates.SupportNote{Author: n.UserEmail, At: formatTS(n.CreatedAt, "UTC"), Body: n.Body})
	}
	v.NoteDraft, v.NoteError = draft, problem
	s.render(w, r, code, templates.SupportOrderPage(v))
}

// handleSupportAudit lists the audit log with filters; admins only.
func (s *Server) handleSupportAudit(w http.ResponseWriter, r *http.Request) {
	u := staffOf(r)
	if !u.IsAdmin() {
		s.render(w, r, http.StatusForbidden, templates.SupportErrorPage(templates.SupportErrorView{
			Page: supportPage(u, st("support.forbidden.title"), ""), Heading: st("support.forbidden.title"), Text: st("support.forbidden.text")}))
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := auth.AuditFilter{Limit: auditPageSize}
	f.UserID, _ = strconv.ParseInt(q.Get("user"), 10, 64)
	f.Account, _ = strconv.ParseInt(q.Get("account"), 10, 64)
	for _, a := range auth.AuditActions {
		if q.Get("action") == a {
			f.Action = a
		}
	}
	v := templates.SupportAuditView{Page: supportPage(u, st("support.audit.title"), "audit")}
	if d, err := time.Parse(status.DateLayout, q.Get("from")); err == nil {
		f.From, v.From = d, q.Get("from")
	}
	if d, err := time.Parse(status.DateLayout, q.Get("to")); err == nil {
		f.To, v.To = d.AddDate(0, 0, 1), q.Get("to")
	}
	page := pageParam(q)
	f.Offset = (page - 1) * auditPageSize
	entries, total, err := s.db.AuditEntries(ctx, f)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	users, err := s.db.StaffUsers(ctx)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	accounts, err := s.db.Accounts(ctx)
	if err != nil {
		s.supportFail(w, r, err)
		return
	}
	anyOption := templates.Option{Value: "", Label: st("support.audit.any")}
	v.Users = append(v.Users, anyOption)
	for _, su := range users {
		v.Users = append(v.Users, templates.Option{Value: strconv.FormatInt(su.ID, 10), Label: su.Email, Selected: su.ID == f.UserID})
	}
	v.Actions = append(v.Actions, anyOption)
	for _, a := range auth.AuditActions {
		v.Actions = append(v.Actions, templates.Option{Value: a, Label: st("support.audit.action." + a), Selected: a == f.Action})
	}
	v.Accounts = append(v.Accounts, anyOption)
	names := map[int64]string{}
	for _, a := range accounts {
		names[a.ID] = accountLabel(a)
		v.Accounts = append(v.Accounts, templates.Option{Value: strconv.FormatInt(a.ID, 10), Label: accountLabel(a), Selected: a.ID == f.Account})
	}
	numbers := map[string]string{}
	for _, e := range entries {
		row := templates.SupportAuditRow{At: formatTS(e.At, "UTC"), User: e.UserEmail, Action: st("support.audit.action." + e.Action), Query: e.Query}
		if e.OrderID != "" {
			row.OrderURL = "/support/orders/" + url.PathEscape(e.OrderID)
			if row.OrderNumber, err = s.orderNumber(ctx, numbers, e.OrderID); err != nil {
				s.supportFail(w, r, err)
				return
			}
		}
		if e.AccountID != 0 {
			row.Account = names[e.AccountID]
			if row.Account == "" {
				row.Account = strconv.FormatInt(e.AccountID, 10)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	v.Total = total
	v.Pager = pager(r.URL, page, total, auditPageSize)
	s.render(w, r, http.StatusOK, templates.SupportAuditPage(v))
}

// orderNumber names an order of the audit log by its number (the log keeps reference ids),
// remembering the answers of one page in seen; an order that no longer exists keeps its id.
func (s *Server) orderNumber(ctx context.Context, seen map[string]string, id string) (string, error) {
	if n, ok := seen[id]; ok {
		return n, nil
	}
	o, err := s.db.Order(ctx, id)
	switch {
	case errors.Is(err, status.ErrNotFound):
		seen[id] = id
	case err != nil:
		return "", err
	default:
		seen[id] = o.OrderNumber
	}
	return seen[id], nil
}

// supportFail is the console's error mapper, driven by the failure table: an order that does
// not exist or that the user may not see is the same not-found page; unexpected errors are
// logged and answered with a generic 500 and the request id.
func (s *Server) supportFail(w http.ResponseWriter, r *http.Request, err error) {
	if f, ok := classify(err); ok && f.code == http.StatusNotFound {
		s.render(w, r, http.StatusNotFound, templates.SupportErrorPage(templates.SupportErrorView{
			Page: supportPage(staffOf(r), st("support.notfound.title"), ""), Heading: st("support.notfound.title"), Text: st("support.notfound.text")}))
		return
	}
	s.logger.ErrorContext(r.Context(), "support console", "err", err, "request_id", requestIDOf(r))
	http.Error(w, "Internal server error. Request id "+requestIDOf(r)+".", http.StatusInternalServerError)
}

func pageParam(q url.Values) int {
	p, err := strconv.Atoi(q.Get("page"))
	if err != nil || p < 1 || p > 100000 {
		return 1
	}
	return p
}

// pager links the neighbours of page in a list of total items, keeping the other query
// parameters of u.
func pager(u *url.URL, page, total, size int) templates.Pager {
	pages := max(1, (total+size-1)/size)
	p := templates.Pager{Text: st("support.pager.text", "page", strconv.Itoa(page), "pages", strconv.Itoa(pages))}
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		return u.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.PrevURL = link(min(page-1, pages))
	}
	if page < pages {
		p.NextURL = link(page + 1)
	}
	return p
}
