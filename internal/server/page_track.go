package server

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// lookupParams are the query parameters that name an order on the page; forms resubmit them.
var lookupParams = []string{"account", "order_number", "client_key", "external_order_id", "external_reference",
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

func (s *Server) shopOf(a status.Account) *templates.Shop {
	return &templates.Shop{Name: a.Name, LogoURL: a.LogoURL, BrandCSS: "/brand/" + strconv.FormatInt(a.ID, 10) + ".css?v=" + brandVersion(a),
		SupportEmail: a.SupportEmail, SupportPhone: a.SupportPhone, SupportURL: a.SupportURL}
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

// handleSearch finds an order by number and proves the shopper's right to see it with the
// email or postal code, across every account (a shopper does not know account ids).
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
	accts, err := s.db.Accounts(r.Context())
	if err != nil {
		s.pageFail(w, r, page, err)
		return
	}
	var found []*auth.Resolution
	for _, a := range accts {
		req := status.InfoRequest{Lookup: status.Lookup{Kind: status.ByOrderNumber, Account: a.ID, Value: number}, ProofEmail: email, ProofPostal: postal}
		res, err := s.resolver.Resolve(r.Context(), req, s.caller(r, nil))
		var rl *auth.RateLimitError
		switch {
		case errors.As(err, &rl):
			fail(http.StatusTooManyRequests, i18n.T(lang, "page.too_many_attempts", "minutes", minutes(rl)))
			w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())))
			return
		case errors.Is(err, status.ErrNotFound):
			continue
		case err != nil:
			s.pageFail(w, r, page, err)
			return
		}
		if res.Access.AtLeast(status.AccessShopper) {
			found = append(found, res)
		}
	}
	if len(found) == 0 {
		fail(http.StatusUnprocessableEntity, i18n.T(lang, "page.verify_failed"))
		return
	}
	for _, res := range found {
		ss.Grant(res.Order.ID, s.now())
	}
	if err := ss.Save(w, r); err != nil {
		s.pageFail(w, r, page, err)
		return
	}
	if len(found) == 1 {
		o := found[0].Order
		q := url.Values{"account": {strconv.FormatInt(o.Account, 10)}, "order_number": {o.OrderNumber}}
		if o.ClientKey != "" {
			q.Set("client_key", o.ClientKey)
		}
		http.Redirect(w, r, trackURL(q), http.StatusSeeOther)
		return
	}
	var rows []templates.ChoiceRow
	for _, res := range found {
		rows = append(rows, s.choiceRow(res.Order, res.Account, lang))
	}
	s.render(w, r, http.StatusOK, templates.ChoosePage(templates.ChooseView{Page: page, Orders: rows}))
}

func (s *Server) choiceRow(o *status.Order, a status.Account, lang string) templates.ChoiceRow {
	q := url.Values{"account": {strconv.FormatInt(o.Account, 10)}, "order_number": {o.OrderNumber}}
	if o.ClientKey != "" {
		q.Set("client_key", o.ClientKey)
	}
	info := status.BuildInfo(o, status.InfoOptions{Access: status.AccessPublic, Lang: lang, Now: s.now(), T: i18n.T, FormatDate: i18n.FormatDateShort})
	row := templates.ChoiceRow{URL: trackURL(q), OrderNumber: o.OrderNumber + " · " + a.Name, Status: summarize(info, lang, s.now()).Headline}
	if ts, err := status.ParseTimestamp(o.OrderDate); err == nil {
		row.Date = i18n.FormatDateShort(lang, ts)
	}
	return row
}

func minutes(rl *auth.RateLimitError) string {
	return strconv.Itoa(int(rl.RetryAfter.Minutes() + 0.999))
}

// handleTrack is the shopper page. It takes the info API's parameters.
func (s *Server) handleTrack(w http.ResponseWriter, r *http.Request) {
	s.showTrack(w, r, r.URL.Query(), "", http.StatusOK)
}

// showTrack resolves a lookup and renders the page, the verification form or an error page.
// verifyError is shown in the verification form after a failed proof.
func (s *Server) showTrack(w http.ResponseWriter, r *http.Request, q url.Values, verifyError string, okCode int) {
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	page := templates.Page{Lang: lang, Title: i18n.T(lang, "page.track_heading"), LangReturn: trackURL(q)}
	req, err := status.ParseInfoRequest(q)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.bad_request_heading"), Message: i18n.T(lang, "page.bad_request")}))
		return
	}
	caller := s.caller(r, ss.Verified(s.now()))
	caller.Token = "" // the page never acts on API tokens
	res, err := s.resolver.Resolve(r.Context(), req, caller)
	unlock := &templates.UnlockForm{Lookup: lookupHidden(q), Error: verifyError}
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())))
		s.render(w, r, http.StatusTooManyRequests, templates.ErrorPage(templates.ErrorView{Page: s.brandPage(page, res),
			Heading: i18n.T(lang, "page.too_many_heading"), Message: i18n.T(lang, "page.too_many_attempts", "minutes", minutes(rl))}))
		return
	case errors.Is(err, auth.ErrExpired):
		// Offer the verification form instead; the lookup without s still names the order.
		uq := withoutSignature(q)
		s.render(w, r, http.StatusGone, templates.ErrorPage(templates.ErrorView{Page: s.brandPage(page, res),
			Heading: i18n.T(lang, "page.expired_heading"), Message: i18n.T(lang, "page.expired_link"),
			Unlock: &templates.UnlockForm{Lookup: lookupHidden(uq)}}))
		return
	case errors.Is(err, status.ErrNotFound), errors.Is(err, auth.ErrPersonalLookup):
		// Not found and not allowed look the same.
		s.render(w, r, http.StatusNotFound, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.not_found_heading"), Message: i18n.T(lang, "page.not_found")}))
		return
	case err != nil:
		s.pageFail(w, r, page, err)
		return
	}
	lang = pageLang(r, ss, res.Order.LanguageISO2)
	page.Lang = lang
	page.Title = i18n.T(lang, "page.title", "number", res.Order.OrderNumber)
	page.Shop = s.shopOf(res.Account)
	if res.Hidden {
		s.render(w, r, okCode, templates.ErrorPage(templates.ErrorView{Page: page,
			Heading: i18n.T(lang, "page.verify_heading"), Message: i18n.T(lang, "access.public_note"), Unlock: unlock}))
		return
	}
	// A verified shopper whose lookup matched several orders chooses one.
	if len(res.Matches) > 1 && res.Access.AtLeast(status.AccessShopper) && req.Lookup.Kind != status.ByOrderNumber {
		var rows []templates.ChoiceRow
		for _, id := range res.Matches {
			o, err := s.db.Order(r.Context(), id)
			if err != nil {
				s.pageFail(w, r, page, err)
				return
			}
			ss.Grant(o.ID, s.now())
			rows = append(rows, s.choiceRow(o, res.Account, lang))
		}
		if err := ss.Save(w, r); err != nil {
			s.pageFail(w, r, page, err)
			return
		}
		s.render(w, r, okCode, templates.ChoosePage(templates.ChooseView{Page: page, Orders: rows}))
		return
	}
	notice := ""
	if req.LiveRefresh {
		// Bounded by the carrier budget; on failure the page shows the stored events.
		_, note := s.liveRefresh(r.Context(), res)
		w.Header().Set(liveRefreshHeader, note)
		if strings.HasPrefix(note, "failed") {
			notice = i18n.T(lang, "page.live_refresh_failed")
		}
	}
	opt := s.infoOptions(res, req, lang)
	info := status.BuildInfo(res.Order, opt)
	v := trackView(page, info, s.now())
	v.Notice = notice
	v.Lookup = lookupHidden(q)
	v.FeedbackThanks = q.Get("feedback") == "thanks"
	if res.Access == status.AccessPublic {
		v.Unlock = unlock
	}
	s.render(w, r, okCode, templates.TrackPage(v))
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

// brandPage adds the shop's branding when the resolver found the order.
func (s *Server) brandPage(p templates.Page, res *auth.Resolution) templates.Page {
	if res != nil {
		p.Shop = s.shopOf(res.Account)
	}
	return p
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
// order for 30 days and the shopper goes back to the page (Post/Redirect/Get).
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	q, ok := formLookup(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("recipient_email"))
	postal := strings.TrimSpace(r.PostForm.Get("recipient_postal_code"))
	ss := s.shopperSession(r)
	lang := pageLang(r, ss, "")
	if email == "" && postal == "" {
		s.showTrack(w, r, q, i18n.T(lang, "page.verify_missing"), http.StatusUnprocessableEntity)
		return
	}
	req, err := status.ParseInfoRequest(q)
	if err != nil {
		s.showTrack(w, r, q, "", http.StatusBadRequest)
		return
	}
	req.Signature, req.Expires = "", ""
	req.ProofEmail, req.ProofPostal = email, postal
	res, err := s.resolver.Resolve(r.Context(), req, s.caller(r, nil))
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())))
		s.showTrack(w, r, q, i18n.T(lang, "page.too_many_attempts", "minutes", minutes(rl)), http.StatusTooManyRequests)
		return
	case errors.Is(err, status.ErrNotFound), errors.Is(err, auth.ErrPersonalLookup):
		// One generic message whether the order or the proof is wrong.
		s.showTrack(w, r, q, i18n.T(lang, "page.verify_failed"), http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.pageFail(w, r, templates.Page{Lang: lang, Title: i18n.T(lang, "page.track_heading")}, err)
		return
	}
	if !res.Access.AtLeast(status.AccessShopper) {
		s.showTrack(w, r, withoutSignature(q), i18n.T(lang, "page.verify_failed"), http.StatusUnprocessableEntity)
		return
	}
	ss.Grant(res.Order.ID, s.now())
	if err := ss.Save(w, r); err != nil {
		s.pageFail(w, r, templates.Page{Lang: lang}, err)
		return
	}
	http.Redirect(w, r, trackURL(withoutSignature(q)), http.StatusSeeOther)
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
	res, err := s.resolver.Resolve(r.Context(), req, s.caller(r, ss.Verified(s.now())))
	if err != nil || !res.Access.AtLeast(status.AccessShopper) {
		s.showTrack(w, r, q, "", http.StatusForbidden)
		return
	}
	tid := r.PostForm.Get("parcel")
	if res.Order.Tracking(tid) == nil {
		s.showTrack(w, r, q, "", http.StatusBadRequest)
		return
	}
	topic := r.PostForm.Get("topic")
	if topic != "communication" {
		topic = "delivery"
	}
	if err := s.db.AddFeedback(r.Context(), res.Order.ID, tid, topic, vote, s.now()); err != nil {
		s.pageFail(w, r, templates.Page{Lang: pageLang(r, ss, "")}, err)
		return
	}
	http.Redirect(w, r, trackURL(q)+"&feedback=thanks", http.StatusSeeOther)
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

// brandVersion changes when the account's accent colour changes, so the stylesheet URL does.
func brandVersion(a status.Account) string {
	return strings.TrimPrefix(a.AccentColor, "#")
}

// handleBrandCSS serves an account's accent colour as a stylesheet (inline styles are not
// allowed by the Content-Security-Policy).
func (s *Server) handleBrandCSS(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSuffix(chi.URLParam(r, "account"), ".css"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	a, err := s.db.Account(r.Context(), id)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write([]byte(":root{--accent:" + safeColor(a.AccentColor) + "}\n"))
}

// safeColor returns c when it is a #rgb or #rrggbb colour, else the default accent.
func safeColor(c string) string {
	if (len(c) == 7 || len(c) == 4) && c[0] == '#' {
		ok := true
		for _, r := range c[1:] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				ok = false
			}
		}
		if ok {
			return c
		}
	}
	return "#0b6e4f"
}
