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
	"github.com/orderstatus/orderstatus/internal/locale"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// lookupParams are the query parameters that name an order on the page; forms resubmit them.
var lookupParams = []string{"account", "order_number", "client_key", "client", "external_order_id", "external_reference",
	"tracking_number", "courier", "customer_number", "recipient_email", "tracking_id", "single_tracking", "s", "exp", "live_refresh"}

// render writes a templ component as an HTML page: rendered into a buffer first, so that a
// failed render becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, c templ.Component) {
	s.renderWith(w, r, code, func(buf *bytes.Buffer) error { return c.Render(r.Context(), buf) })
}

// renderWith writes the HTML page build makes.
func (s *Server) renderWith(w http.ResponseWriter, r *http.Request, code int, build func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := build(&buf); err != nil {
		s.renderFailed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.ErrorContext(r.Context(), "render", "err", err, "request_id", requestIDOf(r))
	http.Error(w, "Internal server error", http.StatusInternalServerError)
}

// pageLang picks the page language, first supported of: the shopper's own choice (the
// switcher's, remembered in the session cookie), the lang parameter, the order's language,
// Accept-Language (matched by golang.org/x/text/language), then en. The order's language
// beats the browser's because the carrier's and the shop's texts on the page are written in
// it; a shopper who reads another language says so once with the switcher.
func pageLang(r *http.Request, ss shopperSession, orderLang string) string {
	if l := i18n.Match(ss.Lang(), r.URL.Query().Get("lang"), r.PostFormValue("lang"), orderLang); l != "" {
		return l
	}
	if l := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
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

// tooManyAttempts says when to try again, in the plural form the wait needs.
func tooManyAttempts(lang string, rl *auth.RateLimitError) string {
	m := rl.RetryAfterMinutes()
	return i18n.N(lang, "page.too_many_attempts", m, "minutes", locale.Number(lang, m))
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
		show(http.StatusTooManyRequests, tooManyAttempts(lang, rl))
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
	gen := s.readGeneration()
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
	if g.LinkUnconfirmed && g.Level == status.AccessPublic && notice == "" {
		// Not cached: the notice is about this request's link (notice != "" below).
		notice = i18n.T(lang, "page.link_unconfirmed")
	}
	build := func(buf *bytes.Buffer) error {
		v := trackView(page, status.BuildInfo(g.Order, s.infoOptions(g, req, lang)))
		v.Notice = notice
		v.Lookup = lookupHidden(q)
		if q.Get("feedback") == "thanks" {
			markVoted(&v, q.Get("parcel"))
		}
		if g.Level == status.AccessPublic {
			v.Unlock = &templates.UnlockForm{Lookup: lookupHidden(q), Error: verifyError}
		}
		return templates.TrackPage(v).Render(r.Context(), buf)
	}
	if okCode != http.StatusOK || verifyError != "" || notice != "" || r.Method != http.MethodGet {
		s.renderWith(w, r, okCode, build)
		return
	}
	// The page is made from the grant, the language and the lookup it names (its forms
	// resubmit the lookup), so those name it in the cache.
	key := s.responseKey("page", gen, g, lang, trackURL(q), q.Get("feedback"), q.Get("parcel"))
	body, err := s.cachedBody(key, g, "text/html; charset=utf-8", build)
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	// A public page holds nothing personal: browsers may keep it and revalidate (ETag).
	if g.Level == status.AccessPublic {
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	body.Serve(w, r)
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
	if page.Shop == nil {
		page.Shop = s.lookupShop(r, q)
	}
	switch {
	case errors.As(err, &rl):
		setRetryAfter(w, rl)
		s.render(w, r, http.StatusTooManyRequests, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.too_many_heading"), Message: tooManyAttempts(lang, rl)}))
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
		if errors.Is(err, auth.ErrExpired) {
			v.Message = i18n.T(lang, "page.expired_verify")
		}
	}
	s.render(w, r, f.pageCode, templates.ErrorPage(v))
}

// lookupShop brands an error page by the account the request itself names (its account
// parameter), never by an order it found: the branding says nothing about whether an
// order exists. nil when the request names no account or an unknown one.
func (s *Server) lookupShop(r *http.Request, q url.Values) *templates.Shop {
	id, err := strconv.ParseInt(q.Get("account"), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	a, err := s.db.Account(r.Context(), id)
	if err != nil {
		return nil
	}
	return s.shopOf(a)
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
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.verify_heading"), LangReturn: trackURL(q), Shop: s.lookupShop(r, q)}
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
