package torture

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// TortureReport is a whole torture run: every send, the checks after the
// run, and the verdict.
type TortureReport struct {
	Files   []string // the manifest's files, in its order
	Results []*TortureResult
	Sent    map[string]int // by transport
	// Variants is how many sends were 6000 copies.
	Variants int
	// Crashes counts the times ringd was found gone (the run stops there).
	Crashes int
	// StrayAck is what a stray ACK got (nothing, as it should);
	// Cancel what an unmatched CANCEL got (481).
	StrayAck, Cancel []tortureReply
	// After lists failed checks that belong to no single message.
	After []string
}

// OK reports whether every check and every table row held.
func (t *TortureReport) OK() bool {
	if len(t.After) > 0 || t.Crashes > 0 {
		return false
	}
	for _, r := range t.Results {
		if len(r.Problems) > 0 {
			return false
		}
	}
	return true
}

// tortureCounts are the figures of the summary line.
type tortureCounts struct {
	probed           int // sends followed by an OPTIONS answered 200
	ok2xx, forwarded int // must-not-pass messages answered 2xx / reaching the member, not allowed
	allowed2xx       int // ... allowed by the table (RFC 4475 allows it)
	allowedForwarded int
	refusedValid     int // valid messages refused, not in the table as differences
	refusedKnown     int // ... in the table as differences
	match, differ    int // table verdicts
	held             int // sends whose outcome the table holds
}

func (t *TortureReport) counts() tortureCounts {
	var c tortureCounts
	for _, r := range t.Results {
		if r.ProbeCode == 200 {
			c.probed++
		}
		switch {
		case r.Passed2xx && r.Allowed != "":
			c.allowed2xx++
		case r.Passed2xx:
			c.ok2xx++
		}
		switch {
		case r.PassedMember && r.Allowed != "":
			c.allowedForwarded++
		case r.PassedMember:
			c.forwarded++
		}
		switch {
		case r.RefusedKnown:
			c.refusedKnown++
		case r.RefusedValid:
			c.refusedValid++
		}
		if r.Want.Codes == "" {
			continue // no table row
		}
		if r.Want.Verdict == Differs {
			c.differ++
		} else {
			c.match++
		}
		if r.Want.accepts(r.Outcome()) {
			c.held++
		}
	}
	return c
}

// Summary is the run on one line.
func (t *TortureReport) Summary() string {
	c := t.counts()
	n := len(t.Results)
	verdict := "PASS"
	if !t.OK() {
		verdict = "FAIL"
	}
	return fmt.Sprintf("torture: %d messages sent (%s; %d of them 6000 copies), ringd crashes %d, "+
		"OPTIONS answered after %d/%d, 2xx to invalid %d (%d more allowed by RFC 4475), "+
		"forwarded invalid %d (%d more allowed by RFC 4475), valid refused %d (%d more documented as differences), "+
		"codes: %d match the RFC, %d differ; stray ACK answered %s, unmatched CANCEL got %s; "+
		"table rows holding %d/%d: %s",
		n, t.sentBy(), t.Variants, t.Crashes, c.probed, n,
		c.ok2xx, c.allowed2xx, c.forwarded, c.allowedForwarded, c.refusedValid, c.refusedKnown,
		c.match, c.differ, saidAll(t.StrayAck, "nothing"), saidAll(t.Cancel, "nothing"), c.held, n, verdict)
}

// sentBy says how many sends went over each transport used: "udp 71,
// tcp 71".
func (t *TortureReport) sentBy() string {
	var parts []string
	for _, tr := range []string{"udp", "tcp", "tls", "ws"} {
		if n, ok := t.Sent[tr]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", tr, n))
		}
	}
	return strings.Join(parts, ", ")
}

func saidAll(rs []tortureReply, none string) string {
	if len(rs) == 0 {
		return none
	}
	var codes []string
	for _, r := range rs {
		codes = append(codes, codeOrNone(r.Code))
	}
	return strings.Join(codes, ",")
}

// WriteMarkdown writes the differences from the RFC as a markdown table,
// in manifest order: one row per message and reason, naming every send
// (transport, 6000 copy) it covers.
func (t *TortureReport) WriteMarkdown(w io.Writer) error {
	type row struct {
		file, rfc, why string
		sends, said    []string // per send: "UDP", "TCP to 6000"; what ringd said
		order          int
	}
	order := map[string]int{}
	for i, f := range t.Files {
		order[f] = i
	}
	var rows []*row
	byKey := map[string]*row{}
	for _, r := range t.Results {
		if r.Want.Codes == "" || r.Want.Verdict != Differs {
			continue
		}
		key := r.Msg.File + "\x00" + r.Want.Why
		x, ok := byKey[key]
		if !ok {
			x = &row{file: r.Msg.File, rfc: r.Msg.Expected, why: r.Want.Why, order: order[r.Msg.File]}
			byKey[key] = x
			rows = append(rows, x)
		}
		send := strings.ToUpper(r.Transport)
		if r.Variant {
			send += " to 6000"
		}
		x.sends = append(x.sends, send)
		x.said = append(x.said, r.Said())
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].order < rows[j].order })
	var b strings.Builder
	b.WriteString("| file | sent | RFC 4475 says | ringd does | why |\n|---|---|---|---|---|\n")
	for _, x := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", x.file, strings.Join(sortSends(x.sends), ", "),
			mdCell(x.rfc), mdCell(saidBySend(x.sends, x.said)), mdCell(x.why))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sendRank orders sends as the report names them.
var sendRank = map[string]int{"UDP": 0, "TCP": 1, "UDP to 6000": 2, "TCP to 6000": 3}

func sortSends(sends []string) []string {
	out := append([]string(nil), sends...)
	sort.SliceStable(out, func(i, j int) bool { return sendRank[out[i]] < sendRank[out[j]] })
	return out
}

// saidBySend is what ringd said: once when every send got the same, else
// per group of sends ("UDP, UDP to 6000: nothing; TCP, TCP to 6000:
// nothing, connection closed").
func saidBySend(sends, said []string) string {
	var order []string
	by := map[string][]string{}
	for i, s := range said {
		if _, ok := by[s]; !ok {
			order = append(order, s)
		}
		by[s] = append(by[s], sends[i])
	}
	if len(order) == 1 {
		return order[0]
	}
	sort.SliceStable(order, func(i, j int) bool {
		return sendRank[sortSends(by[order[i]])[0]] < sendRank[sortSends(by[order[j]])[0]]
	})
	var parts []string
	for _, s := range order {
		parts = append(parts, strings.Join(sortSends(by[s]), ", ")+": "+s)
	}
	return strings.Join(parts, "; ")
}

// mdCell escapes a markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
