package torture

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TortureResult is what became of one message sent over one transport.
type TortureResult struct {
	Msg       *TortureMessage
	Transport string // "udp", "tcp", "tls" or "ws"
	Variant   bool   // the copy sent to sip:6000@
	Replies   []tortureReply
	Closed    bool     // TCP: ringd closed the connection
	Stray     int      // datagrams of earlier messages read meanwhile
	Member    []string // what reached the member agent
	ProbeCode int      // the final answer to the OPTIONS after it (0: none)
	ProbeRTT  time.Duration
	Alive     bool
	Want      TortureWant // the table's row (Codes "" when there is none)
	Allowed   string      // the table's reason to let it pass (TortureRow.Allowed)
	// Passed2xx and PassedMember: a message that must not pass was
	// answered 2xx, reached the member (failed checks unless Allowed).
	Passed2xx, PassedMember bool
	// RefusedValid: a valid message was refused 400, 416, 420, 483 or 505
	// (a failed check unless the table records it as a difference:
	// RefusedKnown).
	RefusedValid, RefusedKnown bool
	Problems                   []string // failed checks
}

// Label names the send: "zeromf.dat udp", "zeromf.dat tcp 6000".
func (r *TortureResult) Label() string {
	l := r.Msg.File + " " + r.Transport
	if r.Variant {
		l += " 6000"
	}
	return l
}

// Finals are the distinct final codes ringd sent, ascending.
func (r *TortureResult) Finals() []int {
	var codes []int
	for _, rep := range r.Replies {
		if rep.final() && !slices.Contains(codes, rep.Code) {
			codes = append(codes, rep.Code)
		}
	}
	slices.Sort(codes)
	return codes
}

// Outcome is Finals as table text: "none", "403", "401 404", with
// " closed" when ringd closed the TCP connection.
func (r *TortureResult) Outcome() string {
	out := "none"
	if f := r.Finals(); len(f) > 0 {
		out = joinInts(f, " ")
	}
	if r.Closed {
		out += " closed"
	}
	return out
}

// Said is every reply with its reason phrase, for people: "100 Trying,
// 403 Forbidden (no relaying)"; "nothing" when nothing came.
func (r *TortureResult) Said() string {
	if len(r.Replies) == 0 {
		if r.Closed {
			return "nothing, connection closed"
		}
		return "nothing"
	}
	var parts []string
	for _, rep := range r.Replies {
		if rep.Code == 0 {
			parts = append(parts, "request "+rep.Reason)
			continue
		}
		said := strings.TrimSpace(strconv.Itoa(rep.Code) + " " + rep.Reason)
		if rep.Version != "SIP/2.0" {
			said += " (status line " + rep.Version + ")"
		}
		parts = append(parts, said)
	}
	if r.Closed {
		parts = append(parts, "connection closed")
	}
	return strings.Join(parts, ", ")
}

func joinInts(v []int, sep string) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// refusals are the codes of ringd's request checks, which must not meet a
// valid message (unless the RFC names the code for it, as 483 for zeromf).
var refusals = []int{400, 416, 420, 483, 505}

// check runs the per-message checks and fills r.Problems. row is the
// table's row (ok false when the table has none).
func (r *TortureResult) check(row TortureRow, ok bool) {
	m := r.Msg
	if !r.Alive {
		r.fail("ringd is not running")
	}
	if r.ProbeCode != 200 {
		r.fail("the OPTIONS after it got " + codeOrNone(r.ProbeCode) + ", want 200")
	}
	r.Allowed = row.Allowed
	if m.mustNotPass() {
		if r.got2xx() {
			r.Passed2xx = true
			if r.Allowed == "" {
				r.fail("a " + m.Class + " message was answered 2xx")
			}
		}
		if len(r.Member) > 0 {
			r.PassedMember = true
			if r.Allowed == "" {
				r.fail("a " + m.Class + " message reached the member: " + strings.Join(r.Member, ", "))
			}
		}
	}
	named := m.NamedCodes()
	if m.valid() {
		for _, c := range r.Finals() {
			if !slices.Contains(refusals, c) || slices.Contains(named, c) {
				continue
			}
			r.RefusedValid = true
			if ok && row.want(r.Transport).Verdict == Differs {
				r.RefusedKnown = true
			} else {
				r.fail(fmt.Sprintf("a %s message was refused %d", m.Class, c))
			}
		}
	}
	if m.IsResponse() && len(r.Replies) > 0 {
		r.fail("a response was answered: " + r.Said())
	}
	key := rowKey(m.File, r.Variant)
	if !ok {
		r.fail("no table row: " + suggestRow(key, r.Transport, r.Outcome()))
		return
	}
	r.Want = row.want(r.Transport)
	if !r.Want.accepts(r.Outcome()) {
		r.fail("the table says " + r.Want.Codes + ": " + suggestRow(key, r.Transport, r.Outcome()))
	}
	if r.Want.Verdict == Differs && r.Want.Why == "" {
		r.fail("the table says differs without saying why")
	}
	if rfc, known := r.rfcMatch(); known && !rfc && r.Want.Verdict == Match && r.Want.Why == "" {
		r.fail("the table says match, but the RFC names " + r.rfcSays() + ": say why")
	}
	if r.Allowed != "" && !m.mustNotPass() {
		r.fail("the table allows a " + m.Class + " message to pass: only classes that must not pass need that")
	}
}

// rfcMatch compares the outcome with what the RFC names: a response must
// get nothing, a request one of the codes its expected behaviour names;
// known is false when the RFC names no code.
func (r *TortureResult) rfcMatch() (match, known bool) {
	if r.Msg.IsResponse() {
		return len(r.Replies) == 0, true
	}
	named := r.Msg.NamedCodes()
	if len(named) == 0 {
		return false, false
	}
	for _, c := range r.Finals() {
		if slices.Contains(named, c) {
			return true, true
		}
	}
	return false, true
}

// rfcSays is the short form of what the RFC expects: its codes, "drop"
// for a response, "-" when it names no code.
func (r *TortureResult) rfcSays() string {
	if r.Msg.IsResponse() {
		return "drop"
	}
	if named := r.Msg.NamedCodes(); len(named) > 0 {
		return joinInts(named, "/")
	}
	return "-"
}

func (r *TortureResult) got2xx() bool {
	for _, rep := range r.Replies {
		if rep.Code >= 200 && rep.Code < 300 {
			return true
		}
	}
	return false
}

func (r *TortureResult) fail(why string) { r.Problems = append(r.Problems, why) }

func codeOrNone(c int) string {
	if c == 0 {
		return "no answer"
	}
	return strconv.Itoa(c)
}

// Line is the result on one line: status, message, class, what the RFC
// names, ringd's final codes, the table's verdict, the member, the
// OPTIONS after it, what ringd said, and the failed checks.
func (r *TortureResult) Line() string {
	status := "ok  "
	if len(r.Problems) > 0 {
		status = "FAIL"
	}
	member := "-"
	if len(r.Member) > 0 {
		member = strings.Join(r.Member, ",")
	}
	line := fmt.Sprintf("%s %-20s %-15s rfc=%-7s ringd=%-10s %-7s member=%-10s options=%s/%s [%s]",
		status, r.Label(), r.Msg.Class, r.rfcSays(), r.Outcome(), r.Want.Verdict, member,
		codeOrNone(r.ProbeCode), r.ProbeRTT.Round(time.Millisecond), r.Said())
	if r.Stray > 0 {
		line += fmt.Sprintf(" (%d stray)", r.Stray)
	}
	if len(r.Problems) > 0 {
		line += ": " + strings.Join(r.Problems, "; ")
	}
	return line
}
