package status

import (
	"net/url"
	"strconv"
	"strings"
)

// LookupKind names one of the primary lookups of the order info API.
type LookupKind string

// The primary lookups (DESIGN §4) and the tracking id lookup.
const (
	ByOrderNumber       LookupKind = "order_number"
	ByExternalOrderID   LookupKind = "external_order_id"
	ByExternalReference LookupKind = "external_reference"
	ByTrackingNumber    LookupKind = "tracking_number"
	ByCustomerNumber    LookupKind = "customer_number"
	ByRecipientEmail    LookupKind = "recipient_email"
	ByTrackingID        LookupKind = "tracking_id"
)

// Lookup is a parsed primary lookup.
type Lookup struct {
	Kind      LookupKind
	Account   int64 // 0 when the lookup has none (tracking_number without account, tracking_id)
	Value     string
	Courier   string // tracking_number lookups
	ClientKey string // optional for order_number lookups
}

// Personal reports whether the lookup's key is personal data, which needs a token or a
// signature (DESIGN §5).
func (l Lookup) Personal() bool { return l.Kind == ByCustomerNumber || l.Kind == ByRecipientEmail }

// SignedParams returns the parameters that the link signature covers, as sent.
func (l Lookup) SignedParams() map[string]string {
	m := map[string]string{}
	if l.Account != 0 {
		m["account"] = strconv.FormatInt(l.Account, 10)
	}
	switch l.Kind {
	case ByTrackingNumber:
		m["courier"] = l.Courier
		m["tracking_number"] = l.Value
	case ByRecipientEmail:
		m["recipient_email"] = NormalizeEmail(l.Value)
	default:
		m[string(l.Kind)] = l.Value
	}
	if l.ClientKey != "" {
		m["client_key"] = l.ClientKey
	}
	return m
}

// LookupCombinations is the help text listing the accepted parameter combinations.
const LookupCombinations = "Use exactly one of: order_number+account (optional client_key), " +
	"external_order_id+account, external_reference+account, tracking_number+courier (optional account), " +
	"customer_number+account, recipient_email+account, or tracking_id."

// InfoRequest is a parsed order info query: the lookup and the options and proofs sent with it.
type InfoRequest struct {
	Lookup         Lookup
	Lang           string
	SingleTracking bool
	LiveRefresh    bool
	// HideReturns: show_returns=false (parcelLab's parameter) leaves the return shipments of
	// a STANDARD order out; without the parameter they are included, as before it existed.
	HideReturns bool
	Signature   string
	Expires     string // exp as sent
	ProofEmail  string // recipient_email as a proof (not the lookup key)
	ProofPostal string
}

// ParseInfoRequest reads the query parameters of GET /v4/track/orders/info/ (and of the page
// and the widget, which take the same). Problems name the parameter and list the accepted
// combinations.
func ParseInfoRequest(q url.Values) (InfoRequest, error) {
	e := &ValidationError{}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	r := InfoRequest{Lang: get("lang"), Signature: get("s"), Expires: get("exp"), ProofPostal: get("recipient_postal_code")}
	if r.ProofPostal == "" {
		r.ProofPostal = get("postal_code")
	}
	var err error
	if r.SingleTracking, err = parseBool(get("single_tracking")); err != nil {
		e.Add("invalid", "single_tracking", "Must be true or false.")
	}
	if r.LiveRefresh, err = parseBool(get("live_refresh")); err != nil {
		e.Add("invalid", "live_refresh", "Must be true or false.")
	}
	if v := get("show_returns"); v != "" {
		show, err := parseBool(v)
		if err != nil {
			e.Add("invalid", "show_returns", "Must be true or false.")
		}
		r.HideReturns = !show
	}
	var account int64
	if a := get("account"); a != "" {
		if account, err = strconv.ParseInt(a, 10, 64); err != nil || account <= 0 {
			e.Add("invalid", "account", "Must be a positive integer.")
		}
	}
	if r.Expires != "" {
		if _, err := strconv.ParseInt(r.Expires, 10, 64); err != nil {
			e.Add("invalid", "exp", "Must be Unix seconds.")
		}
	}
	type cand struct {
		kind LookupKind
		val  string
	}
	var primaries []cand
	for _, k := range []LookupKind{ByOrderNumber, ByExternalOrderID, ByExternalReference, ByTrackingNumber, ByCustomerNumber, ByTrackingID} {
		if v := get(string(k)); v != "" {
			primaries = append(primaries, cand{k, v})
		}
	}
	email := get("recipient_email")
	// recipient_email is the primary lookup only when no other primary key is present;
	// otherwise it is a proof of the shopper's identity.
	if email != "" && len(primaries) == 0 {
		primaries = append(primaries, cand{ByRecipientEmail, email})
	} else {
		r.ProofEmail = email
	}
	switch {
	case len(primaries) == 0:
		e.Add("required", "lookup", "No lookup given. %s", LookupCombinations)
	case len(primaries) > 1:
		names := []string{}
		for _, p := range primaries {
			names = append(names, string(p.kind))
		}
		e.Add("invalid", "lookup", "Several lookups given (%s). %s", strings.Join(names, ", "), LookupCombinations)
	default:
		p := primaries[0]
		// client is the documented alias of client_key (002_…); the signature covers it as
		// client_key.
		clientKey := get("client_key")
		if alias := get("client"); alias != "" {
			if clientKey != "" && clientKey != alias {
				e.Add("invalid", "client", "client and client_key name different clients; send one of them.")
			}
			clientKey = alias
		}
		l := Lookup{Kind: p.kind, Value: p.val, Account: account, ClientKey: clientKey}
		switch p.kind {
		case ByTrackingNumber:
			l.Courier = strings.ToLower(get("courier"))
			if l.Courier == "" {
				e.Add("required", "courier", "tracking_number needs courier. %s", LookupCombinations)
			}
		case ByTrackingID:
		default:
			if account == 0 && e.Err() == nil {
				e.Add("required", "account", "%s needs account. %s", p.kind, LookupCombinations)
			}
		}
		if l.ClientKey != "" && p.kind != ByOrderNumber {
			e.Add("invalid", "client_key", "client_key only goes with order_number. %s", LookupCombinations)
		}
		if p.kind == ByExternalOrderID && !uuidRe.MatchString(p.val) {
			e.Add("invalid", "external_order_id", "Must be a valid UUID.")
		}
		if p.kind == ByExternalOrderID {
			l.Value = strings.ToLower(l.Value)
		}
		if p.kind == ByRecipientEmail {
			l.Value = NormalizeEmail(l.Value)
		}
		r.Lookup = l
	}
	if err := e.Err(); err != nil {
		return r, err
	}
	return r, nil
}

func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}
