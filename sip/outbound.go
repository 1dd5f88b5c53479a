package sip

import (
	"regexp"
	"strings"
)

// OutboundRule routes calls from extensions to numbers that are neither a
// group nor an extension (SPEC §10 outbound): a Request-URI user matching
// Pattern loses its first Strip digits, gets Prefix, and goes to Dest, a
// SIP URI template with {number}.
type OutboundRule struct {
	Pattern *regexp.Regexp
	Strip   int
	Prefix  string
	Dest    string
}

// outboundTarget is the URI an outbound call to number goes to, by the
// first rule that matches. A number with a character other than letters,
// digits and + * # - _ . is routed by none: put into the destination's user
// part, a ':' or '@' would make it a password or a host.
func outboundTarget(rules []OutboundRule, number string) (string, bool) {
	if !dialString(number) {
		return "", false
	}
	for _, r := range rules {
		if !r.Pattern.MatchString(number) {
			continue
		}
		n := number
		if r.Strip > 0 {
			n = n[min(r.Strip, len(n)):]
		}
		return strings.ReplaceAll(r.Dest, "{number}", r.Prefix+n), true
	}
	return "", false
}

// dialString reports whether s is a non-empty string of letters, digits
// and + * # - _ . (what a number dialled out may hold).
func dialString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte("+*#-_.", c) >= 0) {
			return false
		}
	}
	return s != ""
}
