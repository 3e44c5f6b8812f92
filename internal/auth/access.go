package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// ErrPersonalLookup: a lookup by email or customer number without a token or signature.
var ErrPersonalLookup = errors.New("a lookup by recipient_email or customer_number needs an API token or a signed link")

// Bounds of the orders one request looks at.
const (
	// maxLookupMatch is the most orders a lookup matches (the page lists them).
	maxLookupMatch = 50
	// maxProofMatch is the most matched orders a proof is compared with.
	maxProofMatch = 10
)

// Service is the access service: for every surface (info API, page, widget and alt text,
// verification, shopper search, order API, support console, command line) it decides which
// orders a caller may see and at which level, and hands out the order already redacted to
// that level. No handler decides access itself.
//
// The rules (DESIGN §5): an API token sees its own account's orders in full. A valid `s`, a
// matching email or postal code proof, or a browser that proved the order before sees one
// order at shopper level; a signed or proved lookup that matches several orders grants none
// of them. Anyone else sees the public level, or nothing when the account's public view is
// "none" — and then an existing order and a missing one look alike.
type Service struct {
	Store  status.Store
	Limits LimitStore
	Now    func() time.Time
	// Refused, when set, is told of every refusal by a verification limit (metrics).
	Refused RefusalHook
	// Redacted, when set, returns Redact(o, level) and may keep it: the read cache keeps one
	// redacted copy per order version and level instead of copying the order per request.
	Redacted func(o *status.Order, level status.Access) *status.Order
}

func (s *Service) redact(o *status.Order, level status.Access) *status.Order {
	if s.Redacted != nil {
		return s.Redacted(o, level)
	}
	return Redact(o, level)
}

// Caller is what a request shows about who sends it.
type Caller struct {
	Token      string // bearer token, "" for none
	ClientAddr string
	// Grants are the orders this browser proved before (shopper session); nil for none.
	Grants Grants
}

// Grant is one order as a caller may see it.
type Grant struct {
	// Order is redacted to Level.
	Order   *status.Order
	Account status.Account
	Level   status.Access
	// By says how the level was reached: "token", "signature", "session", "proof" or "".
	By string
	// TrackingID is the tracking the lookup named (tracking number, tracking id or a
	// tracking's external reference); "" when it named the order.
	TrackingID string
	// Ambiguous: the lookup matched several orders, so a signature, a session or a proof
	// granted none of them; Order is the most recent at the public level.
	Ambiguous bool
	// ProofFailed: an email or postal code was sent and matched no order of the lookup.
	ProofFailed bool
	// LinkUnconfirmed: the request carried an s that is not this lookup's signature (the
	// link was altered, or signed with a key the account no longer has), so it granted
	// nothing. An expired link is refused with ErrExpired instead.
	LinkUnconfirmed bool

	matches []string
}

// Replace puts a newer version of the granted order (a live refresh stored new events) in
// place, redacted to the grant's level.
func (g *Grant) Replace(o *status.Order) { g.Order = Redact(o, g.Level) }

// Resolve runs a parsed info request (info API, page, widget, verification) for a caller.
func (s *Service) Resolve(ctx context.Context, req status.InfoRequest, c Caller) (*Grant, error) {
	if c.Token != "" {
		return s.resolveToken(ctx, req.Lookup, c.Token)
	}
	return s.resolve(ctx, req, c)
}

// Search is the shopper search: an order number in any account (shoppers do not know
// account ids) and an email or postal code proof, in one lookup. It counts at most one wrong
// proof per search, and none when the proof matched an order.
func (s *Service) Search(ctx context.Context, number, email, postal string, c Caller) (*Grant, error) {
	req := status.InfoRequest{Lookup: status.Lookup{Kind: status.ByOrderNumber, Value: number}, ProofEmail: email, ProofPostal: postal}
	c.Token, c.Grants = "", nil
	return s.resolve(ctx, req, c)
}

// TokenAccount returns the account of an API token: status.ErrUnauthorized for a missing or
// unknown token.
func (s *Service) TokenAccount(ctx context.Context, token string) (status.Account, error) {
	if token == "" {
		return status.Account{}, status.ErrUnauthorized
	}
	a, err := s.Store.AccountByToken(ctx, HashToken(token))
	if errors.Is(err, status.ErrNotFound) {
		return a, status.ErrUnauthorized
	}
	return a, err
}

// TokenOrder returns an order by reference id for an API token of its account. Another
// account's order is status.ErrNotFound, exactly like an id that does not exist.
func (s *Service) TokenOrder(ctx context.Context, token, id string) (*Grant, error) {
	a, err := s.TokenAccount(ctx, token)
	if err != nil {
		return nil, err
	}
	o, err := s.Store.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.Account != a.ID {
		return nil, status.ErrNotFound
	}
	return &Grant{Order: o, Account: a, Level: status.AccessFull, By: "token", matches: []string{o.ID}}, nil
}

// StaffAccounts returns the accounts a staff user may see.
func (s *Service) StaffAccounts(ctx context.Context, u StaffUser) ([]status.Account, error) {
	all, err := s.Store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if u.CanSee(a.ID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// StaffOrder returns an order in full for a staff user who may see its account. An order of
// another account is status.ErrNotFound, like one that does not exist.
func (s *Service) StaffOrder(ctx context.Context, u StaffUser, id string) (*Grant, error) {
	o, err := s.Store.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanSee(o.Account) {
		return nil, status.ErrNotFound
	}
	a, err := s.Store.Account(ctx, o.Account)
	if err != nil {
		return nil, err
	}
	return &Grant{Order: o, Account: a, Level: status.AccessFull, By: "staff", matches: []string{o.ID}}, nil
}

// Choice is one row of the chooser an ambiguous lookup shows: an order at the public level.
type Choice struct {
	Order   *status.Order
	Account status.Account
}

// Choices returns the orders an ambiguous lookup matched, most recent first, at the public
// level. Orders of accounts whose public view is "none" are left out.
func (s *Service) Choices(ctx context.Context, g *Grant) ([]Choice, error) {
	out := make([]Choice, 0, len(g.matches))
	accts := map[int64]status.Account{}
	for _, id := range g.matches {
		o, err := s.Store.Order(ctx, id)
		if err != nil {
			return nil, err
		}
		a, ok := accts[o.Account]
		if !ok {
			if a, err = s.Store.Account(ctx, o.Account); err != nil {
				return nil, err
			}
			accts[o.Account] = a
		}
		if a.PublicView == status.PublicViewNone {
			continue
		}
		out = append(out, Choice{Order: s.redact(o, status.AccessPublic), Account: a})
	}
	return out, nil
}

// OrderLookup is the full identity of an order, the lookup that links sign: order number and
// account, with the client key when the order has one, so that the link names this order and
// no other.
func OrderLookup(o *status.Order) status.Lookup {
	return status.Lookup{Kind: status.ByOrderNumber, Account: o.Account, Value: o.OrderNumber, ClientKey: o.ClientKey}
}

func (s *Service) resolveToken(ctx context.Context, l status.Lookup, token string) (*Grant, error) {
	a, err := s.TokenAccount(ctx, token)
	if err != nil {
		return nil, err
	}
	if l.Account != 0 && l.Account != a.ID {
		// Refused before the lookup runs: says nothing about the other account's orders.
		return nil, status.ErrForbidden
	}
	l.Account = a.ID
	ids, err := s.Store.FindOrderIDs(ctx, l, maxLookupMatch)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, status.ErrNotFound
	}
	o, err := s.Store.Order(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	return &Grant{Order: o, Account: a, Level: status.AccessFull, By: "token", TrackingID: namedTracking(o, l),
		Ambiguous: len(ids) > 1, matches: ids}, nil
}

// Outcomes of checking a link signature.
type sigState int

const (
	sigNone sigState = iota // no s sent, or not checked yet
	sigValid
	sigExpired
	sigInvalid
)

func checkSignature(a status.Account, req status.InfoRequest, now time.Time) sigState {
	if req.Signature == "" {
		return sigNone
	}
	switch err := VerifyLink(a, req.Lookup, req.Signature, req.Expires, now); {
	case err == nil:
		return sigValid
	case errors.Is(err, ErrExpired):
		return sigExpired
	}
	return sigInvalid
}

// resolve decides for callers without an API token.
func (s *Service) resolve(ctx context.Context, req status.InfoRequest, c Caller) (*Grant, error) {
	now := s.Now()
	l := req.Lookup
	// A lookup that names its account has its signature checked before the lookup runs, so
	// that personal-data lookups are refused without touching the data, and an expired link
	// is told apart only for links the shop really signed.
	var acct *status.Account
	sig := sigNone
	if l.Account != 0 {
		a, err := s.Store.Account(ctx, l.Account)
		switch {
		case err == nil:
			acct = &a
			sig = checkSignature(a, req, now)
		case !errors.Is(err, status.ErrNotFound):
			return nil, err
		}
	}
	if sig == sigExpired {
		return nil, ErrExpired
	}
	if l.Personal() && sig != sigValid {
		return nil, ErrPersonalLookup
	}
	ids, err := s.Store.FindOrderIDs(ctx, l, maxLookupMatch)
	if err != nil {
		return nil, err
	}
	hasProof := req.ProofEmail != "" || req.ProofPostal != ""
	if len(ids) == 0 {
		return nil, s.notFound(ctx, req, c, now, hasProof)
	}
	// The most recent match, and with a proof every match it may name.
	n := 1
	if hasProof {
		n = min(len(ids), maxProofMatch)
	}
	orders := make([]*status.Order, n)
	for i := range orders {
		if orders[i], err = s.Store.Order(ctx, ids[i]); err != nil {
			return nil, err
		}
	}
	first := orders[0]
	if acct == nil || acct.ID != first.Account {
		a, err := s.Store.Account(ctx, first.Account)
		if err != nil {
			return nil, err
		}
		acct = &a
		if sig = checkSignature(a, req, now); sig == sigExpired {
			return nil, ErrExpired
		}
	}
	g := &Grant{Order: first, Account: *acct, Level: status.AccessPublic, TrackingID: namedTracking(first, l),
		Ambiguous: len(ids) > 1, LinkUnconfirmed: sig == sigInvalid, matches: ids}
	switch {
	case sig == sigValid && !g.Ambiguous:
		g.Level, g.By = status.AccessShopper, "signature"
	case c.Grants.Has(first.ID, now) && !g.Ambiguous:
		g.Level, g.By = status.AccessShopper, "session"
	case hasProof:
		proved, err := s.prove(ctx, req, c, orders, now)
		if err != nil {
			return nil, err
		}
		switch len(proved) {
		case 0:
			g.ProofFailed = true
		case 1:
			o := proved[0]
			if o.Account != acct.ID {
				a, err := s.Store.Account(ctx, o.Account)
				if err != nil {
					return nil, err
				}
				acct = &a
			}
			*g = Grant{Order: o, Account: *acct, Level: status.AccessShopper, By: "proof", TrackingID: namedTracking(o, l), matches: []string{o.ID},
				LinkUnconfirmed: g.LinkUnconfirmed}
		}
	}
	if g.Level == status.AccessPublic && g.Account.PublicView == status.PublicViewNone {
		return nil, status.ErrNotFound
	}
	g.Order = s.redact(g.Order, g.Level)
	return g, nil
}

// prove compares a proof with the matched orders and returns those it matches. The attempt
// is counted before the comparison (atomically, so parallel guesses cannot overtake the
// limit) and given back when the proof matched.
func (s *Service) prove(ctx context.Context, req status.InfoRequest, c Caller, orders []*status.Order, now time.Time) ([]*status.Order, error) {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	limits := proofLimits(c.ClientAddr, ids)
	wait, refused, err := s.Limits.TakeAttempts(ctx, limits, now)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		s.Refused.refused(refusalKind(refused))
		return nil, &RateLimitError{RetryAfter: wait}
	}
	var proved []*status.Order
	for _, o := range orders {
		if ProofMatches(o, req.ProofEmail, req.ProofPostal) {
			proved = append(proved, o)
		}
	}
	if len(proved) > 0 {
		if err := s.Limits.ReturnAttempts(ctx, limits, now); err != nil {
			return nil, err
		}
	}
	return proved, nil
}

// notFound does for a lookup that matched nothing the work a match would have caused (an
// order load, a proof comparison and its count), so that neither the time taken nor the
// limits tell a missing order from an existing one, and returns status.ErrNotFound. The
// missing order's attempts are counted under the lookup, as an order's are under its id.
func (s *Service) notFound(ctx context.Context, req status.InfoRequest, c Caller, now time.Time, hasProof bool) error {
	if _, err := s.Store.Order(ctx, absentOrderID); err != nil && !errors.Is(err, status.ErrNotFound) {
		return err
	}
	if hasProof {
		// No email and no real postal code: the proof counts as wrong.
		absent := &status.Order{ID: "~" + SignatureMessage(req.Lookup.SignedParams(), ""), Trackings: []status.Tracking{{RecipientPostalCode: "~"}}}
		if _, err := s.prove(ctx, req, c, []*status.Order{absent}, now); err != nil {
			return err
		}
	}
	return status.ErrNotFound
}

// absentOrderID is a reference id no order has (ids are generated without '~').
const absentOrderID = "~absent"

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
			if status.TrackingNumberKey(t.TrackingNumber) == status.TrackingNumberKey(l.Value) && strings.EqualFold(t.Courier, l.Courier) {
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
