package sip

import (
	"regexp"

	"github.com/ringd/ringd/engine"
)

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
