package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// staffIdleTimeout ends a staff session after this long without a request. It is enforced on
// the server from the last-seen time in the cookie; the cookie's own lifetime only mirrors it.
const staffIdleTimeout = 8 * time.Hour

// Values of the staff cookie.
const (
	staffUserKey  = "uid"
	staffEpochKey = "epoch" // the user's session epoch at login
	staffSeenKey  = "seen"  // Unix seconds of the last request
)

type staffCtxKey struct{}

// staffOf returns the signed-in staff user that requireStaff put into the context.
func staffOf(r *http.Request) auth.StaffUser {
	u, _ := r.Context().Value(staffCtxKey{}).(auth.StaffUser)
	return u
}

func (s *Server) staffCookieOptions(maxAge int) *sessions.Options {
	return &sessions.Options{Path: "/support", MaxAge: maxAge, HttpOnly: true, Secure: secureCookies(s.cfg.BaseURL), SameSite: http.SameSiteLaxMode}
}

// startStaffSession writes a fresh staff cookie for u; nothing of an earlier cookie is kept.
func (s *Server) startStaffSession(w http.ResponseWriter, r *http.Request, u auth.StaffUser) error {
	sess := sessions.NewSession(s.sessions, staffCookie)
	sess.Options = s.staffCookieOptions(int(staffIdleTimeout.Seconds()))
	sess.Values[staffUserKey] = u.ID
	sess.Values[staffEpochKey] = u.SessionEpoch
	sess.Values[staffSeenKey] = s.now().Unix()
	return sess.Save(r, w)
}

// endStaffSession deletes the staff cookie.
func (s *Server) endStaffSession(w http.ResponseWriter, r *http.Request) error {
	sess := sessions.NewSession(s.sessions, staffCookie)
	sess.Options = s.staffCookieOptions(-1)
	return sess.Save(r, w)
}

// errSessionExpired: the staff cookie is valid but idle for longer than staffIdleTimeout.
var errSessionExpired = errors.New("staff session expired")

// staffSession returns the user of the request's staff cookie. It fails with
// errSessionExpired after the idle timeout and with status.ErrUnauthorized when there is no
// valid session: no cookie, a tampered one, a disabled user, or a password changed since.
func (s *Server) staffSession(ctx context.Context, r *http.Request) (auth.StaffUser, error) {
	sess, err := s.sessions.Get(r, staffCookie)
	if err != nil || sess.IsNew {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	id, ok1 := sess.Values[staffUserKey].(int64)
	epoch, ok2 := sess.Values[staffEpochKey].(int64)
	seen, ok3 := sess.Values[staffSeenKey].(int64)
	if !ok1 || !ok2 || !ok3 {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	if s.now().Sub(time.Unix(seen, 0)) >= staffIdleTimeout {
		return auth.StaffUser{}, errSessionExpired
	}
	u, err := s.db.StaffUser(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	if err != nil {
		return auth.StaffUser{}, err
	}
	if u.Disabled || u.SessionEpoch != epoch {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	return u, nil
}

// requireStaff lets requests with a valid staff session through, with the user in the
// context, and refreshes the session's last-seen time. Others are sent to the login page,
// which brings them back afterwards.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.staffSession(r.Context(), r)
		switch {
		case err == nil:
			if err := s.startStaffSession(w, r, u); err != nil {
				s.supportFail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), staffCtxKey{}, u)))
		case errors.Is(err, errSessionExpired), errors.Is(err, status.ErrUnauthorized):
			if err := s.endStaffSession(w, r); err != nil {
				s.supportFail(w, r, err)
				return
			}
			q := url.Values{}
			if r.Method == http.MethodGet {
				q.Set("next", r.URL.RequestURI())
			}
			if errors.Is(err, errSessionExpired) {
				q.Set("expired", "1")
			}
			target := "/support/login"
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
		default:
			s.supportFail(w, r, err)
		}
	})
}

// localNext returns next when it is a console path on this site, else the search page, so
// that the login form cannot be used to redirect elsewhere.
func localNext(next string) string {
	if strings.HasPrefix(next, "/support/") && !strings.HasPrefix(next, "/support/login") &&
		!strings.ContainsAny(next, "\\\r\n") && !strings.HasPrefix(next, "//") {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return "/support/"
}
