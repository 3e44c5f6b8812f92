package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// maxBody is the largest request body the API accepts.
const maxBody = 1 << 20

// healthOK is the body of /healthz.
var healthOK = []byte(`{"status":"ok"}` + "\n")

// handleHealth is liveness: 200 while the process serves requests. Whether the database
// answers is /readyz's question (docs/operations.md), so this costs no query.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = jsonContentType
	w.Write(healthOK)
}

// apiAccount returns the account of the request's bearer token.
func (s *Server) apiAccount(r *http.Request) (status.Account, error) {
	return s.access.TokenAccount(r.Context(), auth.BearerToken(r.Header.Get("Authorization")))
}

// readJSONBody enforces the content type and the size limit and returns the body.
func readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" {
		return nil, httpError(http.StatusUnsupportedMediaType, "Send the body as Content-Type: application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, httpError(http.StatusRequestEntityTooLarge, "The body is larger than 1 MiB.")
		}
		return nil, httpError(http.StatusBadRequest, "Could not read the request body.")
	}
	return body, nil
}

func (s *Server) handleOrderPut(w http.ResponseWriter, r *http.Request)  { s.saveOrder(w, r, false) }
func (s *Server) handleOrderPost(w http.ResponseWriter, r *http.Request) { s.saveOrder(w, r, true) }

func (s *Server) saveOrder(w http.ResponseWriter, r *http.Request, createOnly bool) {
	acct, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body, err := readJSONBody(w, r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	saved, err := s.ingest.SaveMutating(r.Context(), acct, body, createOnly)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	code := http.StatusOK
	if saved.Created {
		code = http.StatusCreated
	}
	w.Header().Set("Location", s.cfg.BaseURL+"/v4/track/orders/"+saved.Order.ID+"/")
	writeJSON(w, code, savedBody{s.orderBody(acct, saved.Order), saved.Mutations})
}

// tokenOrder returns the order named by the {id} URL parameter when the request's API token
// belongs to the order's account; another account's order is not found.
func (s *Server) tokenOrder(r *http.Request) (*status.Order, error) {
	g, err := s.access.TokenOrder(r.Context(), auth.BearerToken(r.Header.Get("Authorization")), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	return g.Order, nil
}

func (s *Server) handleOrderGet(w http.ResponseWriter, r *http.Request) {
	g, err := s.access.TokenOrder(r.Context(), auth.BearerToken(r.Header.Get("Authorization")), chi.URLParam(r, "id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.orderBody(g.Account, g.Order))
}

// savedBody answers PUT and POST: the order body, and the mutations' results when the
// request sent mutations.
type savedBody struct {
	status.OrderBody
	Mutations []status.MutationResult `json:"mutations,omitempty"`
}

type orderPage struct {
	Next     *string            `json:"next"`
	Previous *string            `json:"previous"`
	Results  []status.OrderBody `json:"results"`
}

func (s *Server) handleOrderList(w http.ResponseWriter, r *http.Request) {
	acct, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	q := r.URL.Query()
	e := &status.ValidationError{}
	p := status.PageRequest{Ordering: q.Get("ordering"), Limit: 50}
	if p.Ordering == "" {
		p.Ordering = "created_at"
	}
	if _, ok := status.OrderingColumn(p.Ordering); !ok {
		e.Add("invalid_choice", "ordering", "Use created_at, updated_at or order_date, optionally prefixed with -.")
	}
	if ps := q.Get("page_size"); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 200 {
			e.Add("invalid", "page_size", "Must be an integer from 1 to 200.")
		}
		p.Limit = n
	}
	// One customer's orders (the lookups of 002_… return only the newest).
	p.CustomerNumber = strings.TrimSpace(q.Get("customer_number"))
	p.RecipientEmail = strings.TrimSpace(q.Get("recipient_email"))
	if c := q.Get("cursor"); c != "" {
		cur, before, err := decodeCursor(c)
		if err != nil {
			e.Add("invalid", "cursor", "Invalid cursor.")
		} else if before {
			p.Before = &cur
		} else {
			p.After = &cur
		}
	}
	if err := e.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	want := p.Limit
	p.Limit++ // one extra row tells whether another page follows
	orders, err := s.db.ListOrders(r.Context(), acct.ID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	more := len(orders) > want
	if more {
		if p.Before != nil {
			orders = orders[1:]
		} else {
			orders = orders[:want]
		}
	}
	// Every body carries the order's derived state, as GET by id and callbacks do.
	page := orderPage{Results: make([]status.OrderBody, 0, len(orders))}
	for _, o := range orders {
		page.Results = append(page.Results, s.orderBody(acct, o))
	}
	link := func(o *status.Order, before bool) (*string, error) {
		c, err := s.db.CursorOf(r.Context(), o, p.Ordering)
		if err != nil {
			return nil, err
		}
		v := url.Values{}
		v.Set("cursor", encodeCursor(c, before))
		v.Set("ordering", p.Ordering)
		v.Set("page_size", strconv.Itoa(want))
		if p.CustomerNumber != "" {
			v.Set("customer_number", p.CustomerNumber)
		}
		if p.RecipientEmail != "" {
			v.Set("recipient_email", p.RecipientEmail)
		}
		u := s.cfg.BaseURL + "/v4/track/orders/?" + v.Encode()
		return &u, nil
	}
	if len(orders) > 0 {
		hasNext := more || p.Before != nil
		hasPrev := p.After != nil || (p.Before != nil && more)
		if hasNext {
			if page.Next, err = link(orders[len(orders)-1], false); err != nil {
				s.apiFail(w, r, err)
				return
			}
		}
		if hasPrev {
			if page.Previous, err = link(orders[0], true); err != nil {
				s.apiFail(w, r, err)
				return
			}
		}
	}
	writeJSON(w, http.StatusOK, page)
}

type cursorJSON struct {
	status.Cursor
	Before bool `json:"b,omitempty"`
}

func encodeCursor(c status.Cursor, before bool) string {
	b, _ := json.Marshal(cursorJSON{c, before})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (status.Cursor, bool, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return status.Cursor{}, false, err
	}
	var c cursorJSON
	if err := json.Unmarshal(b, &c); err != nil {
		return status.Cursor{}, false, err
	}
	return c.Cursor, c.Before, nil
}

func (s *Server) handleEventsPost(w http.ResponseWriter, r *http.Request) {
	acct, err := s.apiAccount(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body, err := readJSONBody(w, r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	res, err := s.ingest.AddEvents(r.Context(), acct, body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
