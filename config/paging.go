package config

import (
	"regexp"
	"strings"
)

// PagingRule is a paging_headers entry ready to use.
type PagingRule struct {
	UserAgent *regexp.Regexp
	Headers   [][2]string // name, value
}

// PagingRules returns paging_headers, compiled. Entries that do not check
// are left out (Parse reports them).
func (c *Config) PagingRules() []PagingRule {
	var out []PagingRule
	for _, p := range c.PagingHeaders {
		if r, bad := pagingRule(p); bad == nil {
			out = append(out, r)
		}
	}
	return out
}

// ownedHeaders are the headers ringd writes itself on a page's legs: a
// paging_headers entry cannot set them.
var ownedHeaders = []string{"via", "from", "to", "call-id", "cseq", "contact", "max-forwards", "route",
	"record-route", "content-type", "content-length", "proxy-authorization", "authorization"}

// pagingRule compiles one entry; bad, when not nil, is what is wrong, its
// Path relative to the entry.
func pagingRule(p PagingHeaders) (r PagingRule, bad *Problem) {
	re, err := regexp.Compile(p.UserAgent)
	if p.UserAgent == "" || err != nil {
		return r, &Problem{Path: "user_agent", Message: "must be an RE2 regular expression like \"(?i)polycom\""}
	}
	r.UserAgent = re
	for j, h := range p.Headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		at := index("headers", j)
		switch {
		case !ok || !headerToken(name) || value == "":
			return PagingRule{}, &Problem{Path: at, Message: "must be \"Name: value\", like \"Alert-Info: <http://www.notused>;info=alert-autoanswer\""}
		case strings.ContainsAny(value, "\r\n\x00"):
			return PagingRule{}, &Problem{Path: at, Message: "the value must be one line"}
		case containsFold(ownedHeaders, name):
			return PagingRule{}, &Problem{Path: at, Message: name + " is ringd's own on a page's legs"}
		}
		r.Headers = append(r.Headers, [2]string{name, value})
	}
	return r, nil
}

// headerToken reports whether s is a SIP header name (RFC 3261 token).
func headerToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-.!%*_+`'~", b) >= 0) {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// checkPaging checks paging_headers.
func (c *Config) checkPaging(ps *Problems) {
	for i, p := range c.PagingHeaders {
		if _, bad := pagingRule(p); bad != nil {
			ps.add(index("paging_headers", i)+"."+bad.Path, bad.Message)
		}
	}
}
