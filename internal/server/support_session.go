package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/sessions"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// staffIdleTimeout ends a staff session after this long without a request (auth).
const staffIdleTimeout = auth.StaffIdleTimeout

// staffSessionKey is the value of the staff cookie: the session id, whose hash names the
// session in the database.
const staffSessionKey = "sid"

type staffCtxKey struct{}

// staffOf returns the signed-in staff user that requireStaff put into the context.
func staffOf(r *http.Request) auth.StaffUser {
	u, _ := r.Context().Value(staffCtxKey{}).(auth.StaffUser)
	return u
}

func (s *Server) staffCookieOptions(maxAge int) *sessions.Options {
	return &sessions.Options{Path: "/support", MaxAge: maxAge, HttpOnly: true, Secure: secureCookies(s.cfg.BaseURL), SameSite: http.SameSiteLaxMode}
}

// startStaffSession stores a new session for u and writes its cookie; nothing of an earlier
// cookie is kept. The cookie is written once: its lifetime is the session's absolute one.
func (s *Server) startStaffSession(w http.ResponseWriter, r *http.Request, u auth.StaffUser) error {
	ss, id := auth.NewStaffSession(u.ID, s.now(), s.clientAddr(r), r.UserAgent())
	if err := s.db.CreateStaffSession(r.Context(), ss); err != nil {
		return err
	}
	sess := sessions.NewSession(s.sessions.current(r.Context()), staffCookie)
	sess.Options = s.staffCookieOptions(int(auth.StaffSessionLifetime.Seconds()))
	sess.Values[staffSessionKey] = id
	return sess.Save(r, w)
}

// endStaffSession deletes the request's session, if any, and its cookie.
func (s *Server) endStaffSession(w http.ResponseWriter, r *http.Request) error {
	if id := s.staffSessionID(r); id != "" {
		if err := s.db.DeleteStaffSession(r.Context(), auth.StaffSessionHash(id)); err != nil {
			return err
		}
	}
	sess := sessions.NewSession(s.sessions.current(r.Context()), staffCookie)
	sess.Options = s.staffCookieOptions(-1)
	return sess.Save(r, w)
}

func (s *Server) staffSessionID(r *http.Request) string {
	sess, err := s.sessions.current(r.Context()).Get(r, staffCookie)
	if err != nil || sess.IsNew {
		return ""
	}
	id, _ := sess.Values[staffSessionKey].(string)
	return id
}

// errSessionExpired: the staff session existed but is past its idle or absolute lifetime.
var errSessionExpired = errors.New("staff session expired")

// staffSession returns the user of the request's staff session and records the request. It
// fails with errSessionExpired after the idle timeout or the absolute lifetime and with
// status.ErrUnauthorized when there is no valid session: no cookie, a tampered one, one that
// was ended (logout, password change, disabled user, revoked), or an unknown user.
func (s *Server) staffSession(ctx context.Context, r *http.Request) (auth.StaffUser, error) {
	id := s.staffSessionID(r)
	if id == "" {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	hash := auth.StaffSessionHash(id)
	ss, err := s.db.StaffSession(ctx, hash)
	if errors.Is(err, status.ErrNotFound) {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	if err != nil {
		return auth.StaffUser{}, err
	}
	now := s.now()
	if ss.Expired(now) {
		if err := s.db.DeleteStaffSession(ctx, hash); err != nil {
			return auth.StaffUser{}, err
		}
		return auth.StaffUser{}, errSessionExpired
	}
	u, err := s.db.StaffUser(ctx, ss.UserID)
	if errors.Is(err, status.ErrNotFound) {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	if err != nil {
		return auth.StaffUser{}, err
	}
	if u.Disabled {
		return auth.StaffUser{}, status.ErrUnauthorized
	}
	if ss.NeedsTouch(now) {
		if err := s.db.TouchStaffSession(ctx, hash, now); err != nil {
			return auth.StaffUser{}, err
		}
	}
	return u, nil
}

// requireStaff lets requests with a valid staff session through, with the user in the
// context. Others are sent to the login page,
// which brings them back afterwards.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.staffSession(r.Context(), r)
		switch {
		case err == nil:
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
	if p, ok := localPath(next); ok && strings.HasPrefix(p, "/support/") && !strings.HasPrefix(p, "/support/login") {
		return p
	}
	return "/support/"
}
