package server

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// lookupParams are the query parameters that name an order on the page; forms resubmit them.
var lookupParams = []string{"account", "order_number", "client_key", "client", "external_order_id", "external_reference",
	"tracking_number", "courier", "customer_number", "recipient_email", "tracking_id", "single_tracking", "s", "exp", "live_refresh"}

// render writes a templ component as an HTML page: rendered into a buffer first, so that a
// failed render becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.logger.ErrorContext(r.Context(), "render", "err", err, "request_id", requestIDOf(r))
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// pageLang picks the page language: lang parameter, the switcher's choice in the session,
// Accept-Language, the order's language, then en.
func pageLang(r *http.Request, ss shopperSession, orderLang string) string {
	cands := []string{r.URL.Query().Get("lang"), r.PostFormValue("lang"), ss.Lang()}
	cands = append(cands, i18n.ParseAcceptLanguage(r.Header.Get("Accept-Language"))...)
	cands = append(cands, orderLang)
	if l := i18n.Match(cands...); l != "" {
		return l
	}
	return i18n.Default
}

// shopOf is an account's branding as the page shows it.
func (s *Server) shopOf(a status.Account) *templates.Shop {
	shop := &templates.Shop{Name: a.ShownName(), ShopURL: a.ShopURL, ReturnsURL: a.ReturnsURL, Stylesheet: brandStylesheetPath(a),
		SupportEmail: a.SupportEmail, SupportPhone: a.SupportPhone, SupportURL: a.SupportURL}
	if strings.HasPrefix(a.LogoURL, "/") {
		shop.LogoURL = a.LogoURL // the page loads nothing from other hosts (CSP img-src 'self')
	}
	return shop
}

// lookupHidden returns the lookup parameters of a request as hidden form fields.
func lookupHidden(q url.Values) []templates.Hidden {
	var out []templates.Hidden
	for _, k := range lookupParams {
		if v := q.Get(k); v != "" {
			out = append(out, templates.Hidden{Name: k, Value: v})
		}
	}
	return out
}

// trackURL is the page URL of a lookup: only the lookup parameters, never proofs.
func trackURL(q url.Values) string {
	out := url.Values{}
	for _, k := range lookupParams {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return "/track?" + out.Encode()
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.track_heading"), LangReturn: "/"}
	s.render(w, r, http.StatusOK, templates.SearchPage(templates.SearchView{Page: page}))
}

// handleSearch finds an order by number in every account (a shopper does not know account
// ids) and proves the shopper's right to see it with the email or postal code.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	number := strings.TrimSpace(r.PostFormValue("order_number"))
	email := strings.TrimSpace(r.PostFormValue("recipient_email"))
	postal := strings.TrimSpace(r.PostFormValue("recipient_postal_code"))
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.track_heading"), LangReturn: "/"}
	fail := func(code int, msg string) {
		s.render(w, r, code, templates.SearchPage(templates.SearchView{Page: page, OrderNumber: number, Error: msg}))
	}
	if number == "" || (email == "" && postal == "") {
		fail(http.StatusUnprocessableEntity, i18n.T(lang, "page.search_incomplete"))
		return
	}
	g, err := s.access.Search(r.Context(), number, email, postal, s.shopperCaller(r, ss))
	if err == nil && g.Level != status.AccessShopper {
		err = errProofRefused
	}
	if err != nil {
		s.proofError(w, r, page, err, fail)
		return
	}
	s.grantAndShow(w, r, ss, g, page)
}

// errProofRefused: a proof matched no order of the lookup (or several).
var errProofRefused = errors.New("proof refused")

// proofError is the error mapper of the forms that prove an order (search, verification):
// a wrong proof, an order that does not exist and one that is not shown get one answer,
// 422 with the same message; too many attempts a 429 with Retry-After; everything else goes
// to the page's mapper. show re-renders the form with a status and a message.
func (s *Server) proofError(w http.ResponseWriter, r *http.Request, page templates.Page, err error, show func(code int, msg string)) {
	lang := page.Lang
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &rl):
		setRetryAfter(w, rl)
		show(http.StatusTooManyRequests, i18n.T(lang, "page.too_many_attempts", "minutes", strconv.Itoa(rl.RetryAfterMinutes())))
	case errors.Is(err, errProofRefused), errors.Is(err, status.ErrNotFound), errors.Is(err, auth.ErrPersonalLookup):
		show(http.StatusUnprocessableEntity, i18n.T(lang, "page.verify_failed"))
	default:
		s.pageError(w, r, page, nil, err)
	}
}

// grantAndShow remembers a proved order in the browser and goes to its page, named by its
// full identity (Post/Redirect/Get).
func (s *Server) grantAndShow(w http.ResponseWriter, r *http.Request, ss shopperSession, g *auth.Grant, page templates.Page) {
	ss.Grant(g.Order.ID, s.now())
	if err := ss.Save(w, r); err != nil {
		s.pageFail(w, r, page, err)
		return
	}
	http.Redirect(w, r, orderURL(g.Order), http.StatusSeeOther)
}

// orderURL is the page of one order, named by its full identity.
func orderURL(o *status.Order) string {
	return trackURL(lookupValues(auth.OrderLookup(o)))
}

// lookupValues are the query parameters of a lookup.
func lookupValues(l status.Lookup) url.Values {
	q := url.Values{}
	for k, v := range l.SignedParams() {
		q.Set(k, v)
	}
	return q
}

// choiceRow is one public row of the chooser of an ambiguous lookup.
func (s *Server) choiceRow(c auth.Choice, lang string) templates.ChoiceRow {
	o := c.Order
	info := status.BuildInfo(o, status.InfoOptions{Access: status.AccessPublic, Lang: lang, Now: s.now(), T: i18n.T, FormatDate: i18n.FormatDateShort})
	row := templates.ChoiceRow{URL: orderURL(o), OrderNumber: o.OrderNumber + " · " + c.Account.ShownName(), Status: info.Story().Headline.Today}
	if ts, err := status.ParseTimestamp(o.OrderDate); err == nil {
		row.Date = i18n.FormatDateShort(lang, ts)
	}
	return row
}

// handleTrack is the shopper page. It takes the info API's parameters.
func (s *Server) handleTrack(w http.ResponseWriter, r *http.Request) {
	s.showTrack(w, r, r.URL.Query(), "", http.StatusOK)
}

// showTrack resolves a lookup and renders the page, the chooser of an ambiguous lookup, or an
// error page. verifyError is shown in the verification form.
func (s *Server) showTrack(w http.ResponseWriter, r *http.Request, q url.Values, verifyError string, okCode int) {
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.track_heading"), LangReturn: trackURL(q)}
	req, err := status.ParseInfoRequest(q)
	if err != nil {
		s.pageError(w, r, page, q, err)
		return
	}
	g, err := s.access.Resolve(r.Context(), req, s.shopperCaller(r, ss))
	if err != nil {
		s.pageError(w, r, page, q, err)
		return
	}
	lang = pageLang(r, ss, g.Order.LanguageISO2)
	page.Lang = lang
	page.Title = i18n.T(lang, "page.title", "number", g.Order.OrderNumber)
	page.Shop = s.shopOf(g.Account)
	if g.Ambiguous {
		// Several orders match: each is listed at the public level; its own page asks for
		// the proof that names it.
		choices, err := s.access.Choices(r.Context(), g)
		if err != nil {
			s.pageFail(w, r, page, err)
			return
		}
		rows := make([]templates.ChoiceRow, 0, len(choices))
		for _, c := range choices {
			rows = append(rows, s.choiceRow(c, lang))
		}
		page.Shop = nil // the matches may belong to several shops
		s.render(w, r, okCode, templates.ChoosePage(templates.ChooseView{Page: page, Orders: rows}))
		return
	}
	notice := ""
	if req.LiveRefresh {
		// Bounded by the carrier budget; on failure the page shows the stored events.
		_, note := s.liveRefresh(r.Context(), g)
		w.Header().Set(liveRefreshHeader, note)
		if strings.HasPrefix(note, "failed") {
			notice = i18n.T(lang, "page.live_refresh_failed")
		}
	}
	opt := s.infoOptions(g, req, lang)
	info := status.BuildInfo(g.Order, opt)
	v := trackView(page, info)
	v.Notice = notice
	v.Lookup = lookupHidden(q)
	if q.Get("feedback") == "thanks" {
		markVoted(&v, q.Get("parcel"))
	}
	if g.Level == status.AccessPublic {
		v.Unlock = &templates.UnlockForm{Lookup: lookupHidden(q), Error: verifyError}
	}
	s.render(w, r, okCode, templates.TrackPage(v))
}

// shopperCaller describes a page request: the browser's proved orders and its address. The
// page never acts on API tokens.
func (s *Server) shopperCaller(r *http.Request, ss shopperSession) auth.Caller {
	return auth.Caller{ClientAddr: s.clientAddr(r), Grants: ss.Grants()}
}

// pageError is the shopper page's error mapper, driven by the failure table. Not found and
// not allowed render the same page, with the verification form: an account whose public
// view is "none" shows nothing else to anonymous visitors.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, page templates.Page, q url.Values, err error) {
	lang := page.Lang
	var rl *auth.RateLimitError
	var verr *status.ValidationError
	switch {
	case errors.As(err, &rl):
		setRetryAfter(w, rl)
		s.render(w, r, http.StatusTooManyRequests, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.too_many_heading"), Message: i18n.T(lang, "page.too_many_attempts", "minutes", strconv.Itoa(rl.RetryAfterMinutes()))}))
		return
	case errors.As(err, &verr):
		s.render(w, r, http.StatusBadRequest, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.bad_request_heading"), Message: i18n.T(lang, "page.bad_request")}))
		return
	}
	f, ok := classify(err)
	if !ok {
		s.pageFail(w, r, page, err)
		return
	}
	v := templates.ErrorView{Page: page, Heading: i18n.T(lang, f.heading), Message: i18n.T(lang, f.message)}
	uq := withoutSignature(q)
	if uq.Get("recipient_email") == "" && uq.Get("customer_number") == "" && len(uq) > 0 {
		v.Unlock = &templates.UnlockForm{Lookup: lookupHidden(uq)}
	}
	s.render(w, r, f.pageCode, templates.ErrorPage(v))
}

func withoutSignature(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "s" && k != "exp" {
			out[k] = v
		}
	}
	return out
}

// formLookup reads the lookup parameters a page form resubmits.
func formLookup(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read.", http.StatusBadRequest)
		return nil, false
	}
	q := url.Values{}
	for _, k := range lookupParams {
		if v := r.PostForm.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return q, true
}

// handleVerify checks an email or postal code proof; on success the session remembers the
// order it proved for 30 days and the shopper goes to that order's page (Post/Redirect/Get).
// A wrong proof and an order that does not exist (or is not shown) get the same answer.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	q, ok := formLookup(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("recipient_email"))
	postal := strings.TrimSpace(r.PostForm.Get("recipient_postal_code"))
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.verify_heading"), LangReturn: trackURL(q)}
	uq := withoutSignature(q)
	show := func(code int, msg string) {
		s.render(w, r, code, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.verify_heading"), Message: i18n.T(lang, "page.verify_intro"),
			Unlock: &templates.UnlockForm{Lookup: lookupHidden(uq), Error: msg}}))
	}
	if email == "" && postal == "" {
		show(http.StatusUnprocessableEntity, i18n.T(lang, "page.verify_missing"))
		return
	}
	req, err := status.ParseInfoRequest(uq)
	if err != nil {
		s.pageError(w, r, page, q, err)
		return
	}
	req.ProofEmail, req.ProofPostal = email, postal
	g, err := s.access.Resolve(r.Context(), req, auth.Caller{ClientAddr: s.clientAddr(r)})
	if err == nil && g.Level != status.AccessShopper {
		err = errProofRefused
	}
	if err != nil {
		s.proofError(w, r, page, err, show)
		return
	}
	s.grantAndShow(w, r, ss, g, page)
}

// handleFeedback stores a shopper's thumbs up or down on a delivered parcel.
func (s *Server) handleFeedback(w http.ResponseWriter, r *http.Request) {
	q, ok := formLookup(w, r)
	if !ok {
		return
	}
	ss := s.shopperSession(r)
	req, err := status.ParseInfoRequest(q)
	vote := r.PostForm.Get("vote")
	if err != nil || (vote != "up" && vote != "down") {
		s.showTrack(w, r, q, "", http.StatusBadRequest)
		return
	}
	g, err := s.access.Resolve(r.Context(), req, s.shopperCaller(r, ss))
	if err != nil || !g.Level.AtLeast(status.AccessShopper) {
		s.showTrack(w, r, q, "", http.StatusForbidden)
		return
	}
	tid := r.PostForm.Get("parcel")
	if g.Order.Tracking(tid) == nil {
		s.showTrack(w, r, q, "", http.StatusBadRequest)
		return
	}
	topic := r.PostForm.Get("topic")
	if topic != "communication" {
		topic = "delivery"
	}
	if err := s.db.AddFeedback(r.Context(), g.Order.ID, tid, topic, vote, s.now()); err != nil {
		s.pageFail(w, r, templates.Page{Lang: pageLang(r, ss, "")}, err)
		return
	}
	// Back to the parcel's card, where the thanks replaces the buttons.
	back := trackURL(q) + "&feedback=thanks&parcel=" + url.QueryEscape(tid) + "#parcel-" + url.PathEscape(tid)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// handleLang stores the language switcher's choice and goes back.
func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) {
	ss := s.shopperSession(r)
	if l := i18n.Match(r.PostFormValue("lang")); l != "" {
		ss.SetLang(l)
		if err := ss.Save(w, r); err != nil {
			s.pageFail(w, r, templates.Page{Lang: l}, err)
			return
		}
	}
	// Only local paths: never an open redirect.
	back, ok := localPath(r.PostFormValue("return"))
	if !ok {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// pageFail logs an unexpected error and shows a generic error page.
func (s *Server) pageFail(w http.ResponseWriter, r *http.Request, page templates.Page, err error) {
	s.logger.ErrorContext(r.Context(), "page failed", "err", err, "request_id", requestIDOf(r))
	if page.Lang == "" {
		page.Lang = i18n.Default
	}
	s.render(w, r, http.StatusInternalServerError, templates.ErrorPage(templates.ErrorView{Page: page,
		Heading: i18n.T(page.Lang, "page.error_generic"), Message: i18n.T(page.Lang, "page.error_retry")}))
}
