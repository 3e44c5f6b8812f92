package callback

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrNotPublic is returned (wrapped) for a callback address that is loopback, private,
// link-local or otherwise not on the public internet.
var ErrNotPublic = errors.New("callback address is not public")

// AllowPrivateEnv is the environment variable an operator sets to "true" to allow callbacks to
// loopback and private networks (a receiver on the same host or LAN).
const AllowPrivateEnv = "ORDERSTATUS_CALLBACKS_ALLOW_PRIVATE"

// nonPublic lists ranges that are not caught by the netip predicates but are not reachable
// public hosts either.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may translate to any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// checkAddr returns an error wrapping ErrNotPublic when ip must not receive callbacks.
func checkAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	why := ""
	switch {
	case !ip.IsValid():
		why = "invalid"
	case ip.IsLoopback():
		why = "loopback"
	case ip.IsPrivate():
		why = "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		why = "link-local"
	case ip.IsUnspecified():
		why = "unspecified"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		why = "multicast"
	}
	for _, p := range nonPublic {
		if why == "" && p.Contains(ip) {
			why = "reserved"
		}
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("%w: %s is %s (an operator may allow it with %s=true)", ErrNotPublic, ip, why, AllowPrivateEnv)
}

// CheckURL validates a callback URL when it is saved: http or https with a host and no
// credentials; unless allowPrivate, a literal IP address must be public and "localhost" is
// refused. Host names are checked again at connect time (NewClient), so that DNS cannot
// bypass the rule.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return errors.New("enter a valid http or https URL")
	}
	if u.User != nil {
		return errors.New("a callback URL must not contain credentials; callbacks are signed instead")
	}
	if allowPrivate {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("%w: %s is loopback (an operator may allow it with %s=true)", ErrNotPublic, host, AllowPrivateEnv)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return checkAddr(ip)
	}
	return nil
}

// NewClient returns the HTTP client that delivers callbacks: timeout for the whole exchange,
// redirects not followed (a 3xx is a failed attempt), no proxy from the environment, and
// unless allowPrivate every connection refused before it is made when the resolved address is
// not public. The check runs on the address actually dialled, so DNS rebinding cannot get
// past it.
func NewClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %q", ErrNotPublic, address)
			}
			return checkAddr(ap.Addr())
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
