// Package grammar owns the lexical rules of RFC 3261 that ringd checks
// itself on what sipgo parses liberally: the token alphabet (header
// names, methods) and the host of a Via or a Path hop. It imports the
// standard library only; sip/transport, sip/proxy and sip/registrar use
// it.
package grammar

import (
	"net/netip"
	"strings"
)

// TokenChar reports whether c may appear in an RFC 3261 token (§25.1:
// alphanumerics and - . ! % * _ + ` ' ~).
func TokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-.!%*_+`'~", c) >= 0
}

// Token reports whether s is a non-empty token.
func Token(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !TokenChar(s[i]) {
			return false
		}
	}
	return true
}

// Host reports whether h is an IP address (IPv6 with or without its
// brackets) or a host name of letters, digits, '-' and '.' that starts
// with a letter or a digit, at most 255 bytes.
func Host(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	if _, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); err == nil {
		return true
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return h[0] != '.' && h[0] != '-'
}
