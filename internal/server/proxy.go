package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses a comma-separated list of CIDR prefixes or single addresses
// (--trusted-proxies, ORDERSTATUS_TRUSTED_PROXIES). An empty list trusts no proxy.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR prefix (such as 10.0.0.0/8)", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// trusted reports whether an address belongs to a trusted proxy.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// clientAddr is the address of the client that sent a request: the connection's peer, or,
// when the peer is a trusted proxy, the rightmost X-Forwarded-For hop that is not a trusted
// proxy (hops further left were written by the client and prove nothing). Every surface that
// counts or logs clients (rate limits, logins, the audit log) uses this one function.
func (s *Server) clientAddr(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok {
		return r.RemoteAddr
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	client := peer
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			// A hop that is not an address was not written by a proxy we trust: the last
			// address we could vouch for is the client.
			break
		}
		client = a
		if !s.trusted(a) {
			break
		}
	}
	return client.String()
}

// requestScheme is "https" when the request reached us over TLS, or when a trusted proxy
// says in X-Forwarded-Proto that it reached the proxy over TLS; "http" otherwise.
func (s *Server) requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if peer, ok := peerAddr(r); ok && s.trusted(peer) {
		// The nearest proxy's value is the last one.
		v := r.Header.Values("X-Forwarded-Proto")
		if len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if p := strings.ToLower(strings.TrimSpace(parts[len(parts)-1])); p == "https" || p == "http" {
				return p
			}
		}
	}
	return "http"
}

// forwardedFor returns the X-Forwarded-For hops, left (client) to right (nearest proxy),
// across repeated headers.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				hops = append(hops, f)
			}
		}
	}
	return hops
}

// parseHop parses one X-Forwarded-For entry: an address, possibly with a port or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// hstsValue (sent when the base URL is https, by observe) keeps browsers on HTTPS for a year once they have seen the site over it.
// includeSubDomains is left to the operator (docs/operations.md): other hosts under the same
// domain may not serve HTTPS.
const hstsValue = "max-age=31536000"
