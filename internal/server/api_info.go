package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
)

// caller describes the sender of a request for the resolver.
func (s *Server) caller(r *http.Request, verified func(string) bool) auth.Caller {
	return auth.Caller{Token: auth.BearerToken(r.Header.Get("Authorization")), ClientAddr: s.clientAddr(r), Verified: verified}
}

// infoLanguage picks the response language: lang, then the order's language, then en.
func infoLanguage(lang string, o *status.Order) string {
	if l := i18n.Match(lang, o.LanguageISO2); l != "" {
		return l
	}
	return i18n.Default
}

// infoOptions are the derivation options for a resolved order.
func (s *Server) infoOptions(res *auth.Resolution, req status.InfoRequest, lang string) status.InfoOptions {
	opt := status.InfoOptions{Access: res.Access, Lang: lang, Now: s.now(), T: i18n.T, FormatDate: i18n.FormatDateShort,
		LiveRefresh: s.supportsLiveRefresh}
	if req.SingleTracking && res.TrackingID != "" {
		opt.OnlyTracking = res.TrackingID
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
	res, err := s.resolver.Resolve(r.Context(), req, s.caller(r, nil))
	if err != nil {
		s.resolveFail(w, r, err)
		return
	}
	if res.Hidden {
		s.apiFail(w, r, status.ErrNotFound)
		return
	}
	if req.LiveRefresh {
		_, note := s.liveRefresh(r.Context(), res)
		w.Header().Set(liveRefreshHeader, note)
	}
	info := status.BuildInfo(res.Order, s.infoOptions(res, req, infoLanguage(req.Lang, res.Order)))
	writeJSON(w, http.StatusOK, info)
}

// resolveFail maps the resolver's errors to API responses.
func (s *Server) resolveFail(w http.ResponseWriter, r *http.Request, err error) {
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds()+0.999)))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"detail": "Too many verification attempts. Try again in " + strconv.Itoa(int(rl.RetryAfter.Minutes()+0.999)) + " minutes."})
	case errors.Is(err, auth.ErrExpired):
		writeJSON(w, http.StatusGone, map[string]string{"detail": "This link has expired. Verify with the recipient's email or postal code instead."})
	case errors.Is(err, auth.ErrPersonalLookup):
		writeJSON(w, http.StatusForbidden, map[string]string{"detail": "A lookup by recipient_email or customer_number needs an API token or a signed link (s)."})
	case errors.Is(err, status.ErrForbidden):
		writeJSON(w, http.StatusForbidden, map[string]string{"detail": "This API token belongs to another account."})
	default:
		s.apiFail(w, r, err)
	}
}
