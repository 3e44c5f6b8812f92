package server

import (
	"net/url"
	"strings"
)

// localPath returns target when it is a path on this site to redirect to, by parsing it as a
// browser would: no scheme, no host, one leading slash. Browsers drop tabs and newlines from
// URLs and read backslashes as slashes, so "/\t/evil.example" and "/\\evil.example" would
// leave the site; such targets, and any other control character, are refused.
func localPath(target string) (string, bool) {
	if target == "" || strings.ContainsAny(target, "\\") || strings.ContainsFunc(target, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", false
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
		return "", false
	}
	return target, true
}
