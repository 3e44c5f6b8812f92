package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Errors of Resolve besides status.ErrNotFound, ErrUnauthorized and ErrForbidden.
var (
	// ErrPersonalLookup: a lookup by email or customer number without a token or signature.
	ErrPersonalLookup = errors.New("a lookup by recipient_email or customer_number needs an API token or a signed link")
)

// RateLimitError says how long a caller must wait before trying another proof.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many verification attempts; retry in %s", e.RetryAfter.Round(time.Second))
}

// Verification limits: failed email or postal code proofs per order and per client address.
const (
	OrderFailures  = 5
	OrderWindow    = 15 * time.Minute
	AddrFailures   = 20
	AddrWindow     = time.Hour
	maxLookupMatch = 50
)

// LimitStore keeps failed proof counts.
type LimitStore interface {
	Failures(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	AddFailure(ctx context.Context, key string, window time.Duration, now time.Time) error
}

// Resolver finds the order a request names and decides what the caller may see of it. The
// info API, the shopper page and the widget all go through it.
type Resolver struct {
	Store  status.Store
	Limits LimitStore
	Now    func() time.Time
	// Refused, when set, is told of every refusal by a verification limit.
	Refused RefusalHook
}

// Caller is what a request shows about who sends it.
type Caller struct {
	Token      string // bearer token, "" for none
	ClientAddr string
	// Verified reports whether the caller's session has proved the right to see an order.
	Verified func(orderID string) bool
}

// Resolution is an order and the caller's access to it.
type Resolution struct {
	Order   *status.Order
	Account status.Account
	Access  status.Access
	// TrackingID is the tracking the lookup named (tracking number, tracking id or a
	// tracking's external reference); "" when it named the order.
	TrackingID string
	// Matches are all orders the lookup matched, most recent first (the page lists them).
	Matches []string
	// ProofFailed: an email or postal code was sent and did not match.
	ProofFailed bool
	// Hidden: the account shows nothing to anonymous callers (public view "none").
	Hidden bool
	// SignedBy says how access was granted: "token", "signature", "session", "proof" or "".
	GrantedBy string
}

// Resolve runs a parsed info request for a caller.
func (r *Resolver) Resolve(ctx context.Context, req status.InfoRequest, c Caller) (*Resolution, error) {
	now := r.Now()
	l := req.Lookup
	var tokenAcct *status.Account
	if c.Token != "" {
		a, err := r.Store.AccountByToken(ctx, HashToken(c.Token))
		if err != nil {
			if errors.Is(err, status.ErrNotFound) {
				return nil, status.ErrUnauthorized
			}
			return nil, err
		}
		tokenAcct = &a
		if l.Account == 0 {
			l.Account = a.ID
		} else if l.Account != a.ID {
			return nil, status.ErrForbidden
		}
	}
	// A signature is checked against the lookup's account before the lookup runs when the
	// lookup names one, so that personal-data lookups are refused without touching the data.
	sigChecked, sigErr := false, error(nil)
	if tokenAcct == nil && l.Personal() {
		if req.Signature == "" {
			return nil, ErrPersonalLookup
		}
		a, err := r.Store.Account(ctx, l.Account)
		if err != nil {
			return nil, ErrPersonalLookup
		}
		if err := VerifyLink(a, l, req.Signature, req.Expires, now); err != nil {
			if errors.Is(err, ErrExpired) {
				return nil, ErrExpired
			}
			return nil, ErrPersonalLookup
		}
		sigChecked = true
	}
	ids, err := r.Store.FindOrderIDs(ctx, l, maxLookupMatch)
	if err != nil {
		return nil, err
	}
	hasProof := req.ProofEmail != "" || req.ProofPostal != ""
	if len(ids) == 0 {
		if hasProof && tokenAcct == nil {
			// Guessing order numbers with a proof counts against the client address.
			if err := r.checkLimit(ctx, "addr:"+c.ClientAddr, AddrFailures, AddrWindow, now); err != nil {
				return nil, err
			}
			_ = r.Limits.AddFailure(ctx, "addr:"+c.ClientAddr, AddrWindow, now)
		}
		return nil, status.ErrNotFound
	}
	o, err := r.Store.Order(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	acct, err := r.Store.Account(ctx, o.Account)
	if err != nil {
		return nil, err
	}
	res := &Resolution{Order: o, Account: acct, Access: status.AccessPublic, Matches: ids, TrackingID: namedTracking(o, l)}
	switch {
	case tokenAcct != nil:
		res.Access, res.GrantedBy = status.AccessFull, "token"
		return res, nil
	case sigChecked:
		res.Access, res.GrantedBy = status.AccessShopper, "signature"
		return res, nil
	}
	if req.Signature != "" {
		sigErr = VerifyLink(acct, l, req.Signature, req.Expires, now)
		if sigErr == nil {
			res.Access, res.GrantedBy = status.AccessShopper, "signature"
			return res, nil
		}
		if errors.Is(sigErr, ErrExpired) {
			return res, ErrExpired
		}
	}
	if c.Verified != nil && c.Verified(o.ID) {
		res.Access, res.GrantedBy = status.AccessShopper, "session"
		return res, nil
	}
	if hasProof {
		if err := r.checkLimit(ctx, "order:"+o.ID, OrderFailures, OrderWindow, now); err != nil {
			return res, err
		}
		if err := r.checkLimit(ctx, "addr:"+c.ClientAddr, AddrFailures, AddrWindow, now); err != nil {
			return res, err
		}
		if ProofMatches(o, req.ProofEmail, req.ProofPostal) {
			res.Access, res.GrantedBy = status.AccessShopper, "proof"
			return res, nil
		}
		res.ProofFailed = true
		if err := r.Limits.AddFailure(ctx, "order:"+o.ID, OrderWindow, now); err != nil {
			return nil, err
		}
		if err := r.Limits.AddFailure(ctx, "addr:"+c.ClientAddr, AddrWindow, now); err != nil {
			return nil, err
		}
	}
	res.Hidden = acct.PublicView == status.PublicViewNone
	return res, nil
}

func (r *Resolver) checkLimit(ctx context.Context, key string, limit int, window time.Duration, now time.Time) error {
	n, reset, err := r.Limits.Failures(ctx, key, window, now)
	if err != nil {
		return err
	}
	if n >= limit {
		kind := RefusedVerifyAddr
		if strings.HasPrefix(key, "order:") {
			kind = RefusedVerifyOrder
		}
		r.Refused.refused(kind)
		wait := reset.Sub(now)
		if wait < time.Second {
			wait = time.Second
		}
		return &RateLimitError{RetryAfter: wait}
	}
	return nil
}

// ProofMatches compares an email or postal code proof with the order in constant time. Emails
// compare trimmed and case-insensitively, postal codes without spaces and case.
func ProofMatches(o *status.Order, email, postal string) bool {
	ok := 0
	if email != "" && o.RecipientEmail != status.UnsetEmail && o.RecipientEmail != "" {
		ok |= subtle.ConstantTimeCompare([]byte(status.NormalizeEmail(email)), []byte(status.NormalizeEmail(o.RecipientEmail)))
	}
	if p := status.NormalizePostalCode(postal); p != "" {
		for _, t := range o.Trackings {
			for _, cand := range []string{t.RecipientPostalCode, addrPostal(t.ShippingAddress)} {
				if c := status.NormalizePostalCode(cand); c != "" {
					ok |= subtle.ConstantTimeCompare([]byte(p), []byte(c))
				}
			}
		}
	}
	return ok == 1
}

func addrPostal(a *status.Address) string {
	if a == nil {
		return ""
	}
	return a.PostalCode
}

// namedTracking returns the id of the tracking a lookup named, if it named one.
func namedTracking(o *status.Order, l status.Lookup) string {
	for _, t := range o.Trackings {
		switch l.Kind {
		case status.ByTrackingNumber:
			if t.TrackingNumber == l.Value && strings.EqualFold(t.Courier, l.Courier) {
				return t.ID
			}
		case status.ByTrackingID:
			if t.ID == l.Value {
				return t.ID
			}
		case status.ByExternalReference:
			if t.ExternalReference == l.Value && o.ExternalReference != l.Value {
				return t.ID
			}
		}
	}
	return ""
}
