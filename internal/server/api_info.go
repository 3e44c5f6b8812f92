package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// caller describes the sender of an API request for the access service.
func (s *Server) caller(r *http.Request) auth.Caller {
	return auth.Caller{Token: auth.BearerToken(r.Header.Get("Authorization")), ClientAddr: s.clientAddr(r)}
}

// infoLanguage picks the response language: lang, then the order's language, then en.
func infoLanguage(lang string, o *status.Order) string {
	if l := i18n.Match(lang, o.LanguageISO2); l != "" {
		return l
	}
	return i18n.Default
}

// infoOptions are the derivation options for a granted order.
func (s *Server) infoOptions(g *auth.Grant, req status.InfoRequest, lang string) status.InfoOptions {
	opt := status.InfoOptions{Access: g.Level, Lang: lang, Now: s.now(), T: i18n.T, FormatDate: i18n.FormatDateShort,
		LiveRefresh: s.supportsLiveRefresh, Shop: status.ShopContact(g.Account)}
	if g.Level.AtLeast(status.AccessShopper) {
		opt.TrackingLink = auth.TrackingLink(s.cfg.BaseURL, g.Account, g.Order)
	}
	if req.SingleTracking && g.TrackingID != "" {
		opt.OnlyTracking = g.TrackingID
	}
	return opt
}

// supportsLiveRefresh reports whether a carrier adapter is configured for a courier.
func (s *Server) supportsLiveRefresh(courier string) bool { return s.cfg.Carriers.Supports(courier) }

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Authorization")
	req, err := status.ParseInfoRequest(r.URL.Query())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	gen := s.readGeneration()
	g, err := s.access.Resolve(r.Context(), req, s.caller(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if req.LiveRefresh {
		_, note := s.liveRefresh(r.Context(), g)
		w.Header().Set(liveRefreshHeader, note)
	}
	o := g.Order
	if req.HideReturns {
		o = o.WithoutReturns()
	}
	lang := infoLanguage(req.Lang, o)
	key := s.responseKey("info", gen, g, lang, strconv.FormatBool(req.SingleTracking), strconv.FormatBool(req.HideReturns))
	body, err := s.cachedBody(key, g, "application/json", func(buf *bytes.Buffer) error {
		return json.NewEncoder(buf).Encode(status.BuildInfo(o, s.infoOptions(g, req, lang)))
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body.Serve(w, r)
}
