package engine

import "strings"

// Header is one SIP header decided by the engine.
type Header struct {
	Name, Value string
}

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

// diversion renders the Diversion header value of a call diverted from
// number for reason r: a group failing over, an extension's voicemail leg
// (no-answer).
func diversion(number, domain string, r FailoverReason) string {
	return sipURI(number, domain) + ";reason=" + diversionReasons[r]
}
