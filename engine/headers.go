package engine

import "strings"

// Header names and fixed values of SPEC §3 "Headers on legs to members".
const (
	HeaderPAI       = "P-Asserted-Identity"
	HeaderRPID      = "Remote-Party-ID"
	HeaderAlertInfo = "Alert-Info"
	HeaderCallInfo  = "Call-Info"
	HeaderDiversion = "Diversion"

	alertInfoURI       = "<http://www.notused>"
	pagingAlertInfo    = alertInfoURI + ";info=alert-autoanswer;delay=0"
	rpidParams         = ";party=calling;screen=yes;privacy=off"
	pagingAnswerAfter0 = ";answer-after=0"
)

// quoted renders s as a SIP quoted-string (RFC 3261 §25.1): double quotes
// around, backslash before any quote or backslash inside.
func quoted(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// sipURI renders <sip:user@domain>.
func sipURI(user, domain string) string { return "<sip:" + user + "@" + domain + ">" }

// groupHeaders renders, once per configuration, the headers every leg of a
// group carries.
func groupHeaders(g *GroupSpec, paging bool, domain string) []Header {
	var h []Header
	identity := quoted(g.Name) + " " + sipURI(g.Number, domain)
	if g.PAI {
		h = append(h, Header{HeaderPAI, identity})
	}
	if g.RPID {
		h = append(h, Header{HeaderRPID, identity + rpidParams})
	}
	switch {
	case paging:
		h = append(h,
			Header{HeaderCallInfo, "<sip:" + domain + ">" + pagingAnswerAfter0},
			Header{HeaderAlertInfo, pagingAlertInfo})
	case g.AlertInfo != "":
		h = append(h, Header{HeaderAlertInfo, alertInfoURI + ";info=" + g.AlertInfo})
	}
	return h
}

// diversion renders the Diversion header value for a group failing over.
func diversion(groupNumber, domain string, r FailoverReason) string {
	return sipURI(groupNumber, domain) + ";reason=" + diversionReasons[r]
}
