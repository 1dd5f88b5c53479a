package sip

import (
	"regexp"
	"strings"

	"github.com/ringd/ringd/engine"
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

// PagingHeaders are the auto-answer headers a page's legs carry to the
// devices whose User-Agent matches, instead of SPEC §3's Call-Info and
// Alert-Info.
type PagingHeaders struct {
	UserAgent *regexp.Regexp
	Headers   []engine.Header
}

// pagingHeaders are the headers a page's leg to a device with User-Agent
// ua carries: the engine's, with its auto-answer pair replaced by the
// first matching rule's headers.
func pagingHeaders(rules []PagingHeaders, ua string, engineHeaders []engine.Header) []engine.Header {
	for _, r := range rules {
		if ua == "" || !r.UserAgent.MatchString(ua) {
			continue
		}
		out := make([]engine.Header, 0, len(engineHeaders)+len(r.Headers))
		for _, h := range engineHeaders {
			if h.Name != engine.HeaderCallInfo && h.Name != engine.HeaderAlertInfo {
				out = append(out, h)
			}
		}
		return append(out, r.Headers...)
	}
	return engineHeaders
}
