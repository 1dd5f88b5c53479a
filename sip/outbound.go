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
// first rule that matches.
func outboundTarget(rules []OutboundRule, number string) (string, bool) {
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
