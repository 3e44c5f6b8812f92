package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/orderstatus/orderstatus/internal/status"
)

// accountBody is the account document of GET and PUT /v4/track/account/: the branding
// settings, with the account's id, name and logo URL, which PUT does not change (the logo
// has its own upload).
type accountBody struct {
	Account int64  `json:"account"`
	Name    string `json:"name"`
	LogoURL string `json:"logo_url"`
	status.Branding
}

func accountDoc(a status.Account) accountBody {
	return accountBody{Account: a.ID, Name: a.Name, LogoURL: a.LogoURL, Branding: status.BrandingOf(a)}
}

// handleAccountGet answers the branding settings of the token's account.
func (s *Server) handleAccountGet(w http.ResponseWriter, r *http.Request) {
	a, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, accountDoc(a))
}

// handleAccountPut replaces the branding settings of the token's account: a field left out
// is unset. Every bad field is named in one 400.
func (s *Server) handleAccountPut(w http.ResponseWriter, r *http.Request) {
	a, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body, err := readJSONBody(w, r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in accountBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.apiFail(w, r, status.Invalid("non_field_errors", "The body must be a JSON object of the account's settings (%s).", jsonProblem(err)))
		return
	}
	b, err := status.CheckBranding(in.Branding)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	b.Apply(&a)
	if err := s.db.UpdateAccount(r.Context(), a); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, accountDoc(a))
}

// jsonProblem says what is wrong with a JSON body without echoing it.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "not valid JSON"
	case errors.As(err, &te):
		return te.Field + " must be a " + te.Type.String()
	}
	return err.Error()
}

// handleAccountLogoPut stores the request body as the account's logo (PNG, JPEG or WebP;
// the type is read from the bytes) and answers the logo's new, content-hashed URL.
func (s *Server) handleAccountLogoPut(w http.ResponseWriter, r *http.Request) {
	a, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, status.MaxLogoBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.apiFail(w, r, httpError(http.StatusRequestEntityTooLarge, "The logo is larger than 512 KiB."))
			return
		}
		s.apiFail(w, r, httpError(http.StatusBadRequest, "Could not read the request body."))
		return
	}
	l, err := status.CheckLogo(a.ID, data)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.db.SetLogo(r.Context(), l); err != nil {
		s.apiFail(w, r, err)
		return
	}
	a.LogoURL = l.URL()
	writeJSON(w, http.StatusOK, accountDoc(a))
}

// handleAccountLogoDelete removes the account's logo.
func (s *Server) handleAccountLogoDelete(w http.ResponseWriter, r *http.Request) {
	a, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.db.DeleteLogo(r.Context(), a.ID); err != nil {
		s.apiFail(w, r, err)
		return
	}
	a.LogoURL = ""
	writeJSON(w, http.StatusOK, accountDoc(a))
}
