package torture

import "strings"

// Verdict says whether ringd's answer to a torture message is what RFC
// 4475 asks for.
type Verdict int

const (
	Match   Verdict = iota // ringd does what the RFC says
	Differs                // ringd does something else; TortureWant.Why says why
)

func (v Verdict) String() string {
	if v == Differs {
		return "differs"
	}
	return "match"
}

// TortureWant is what ringd does with one torture message on one
// transport, as observed and then judged.
type TortureWant struct {
	// Codes are the final status codes ringd answers with, in ascending
	// order and separated by spaces when one send gets two finals (dblreq
	// over TCP is two messages), "none" when it answers nothing final;
	// alternatives are separated by "|". A run whose outcome is not one of
	// them fails, so that the table is kept true.
	Codes   string
	Verdict Verdict
	// Why ringd differs from the RFC (required for Differs); for a Match
	// whose code is not the one the RFC names, why it still matches.
	Why string
}

// accepts reports whether outcome ("none", "403", "401 404") is one of w.Codes.
func (w TortureWant) accepts(outcome string) bool {
	for _, alt := range strings.Split(w.Codes, "|") {
		if strings.TrimSpace(alt) == outcome {
			return true
		}
	}
	return false
}

// expectsFinal reports whether every outcome w accepts has a final code.
func (w TortureWant) expectsFinal() bool {
	if w.Codes == "" {
		return false
	}
	for _, alt := range strings.Split(w.Codes, "|") {
		if strings.HasPrefix(strings.TrimSpace(alt), "none") {
			return false
		}
	}
	return true
}

// TortureRow is one table row: a message (or its 6000 variant) over UDP
// and over TCP. TLS and WebSocket carry a message as TCP does unless the
// row says otherwise (WS: a message is one frame, so no stream framing).
type TortureRow struct {
	UDP, TCP TortureWant
	TLS, WS  *TortureWant // nil: as TCP
	// Allowed lets a message of a class that must not pass (INVALID,
	// SEMANTIC-REJECT, TRANSACTION) be answered 2xx or reach the member,
	// for the reason given: only where RFC 4475 itself allows it (a Date
	// that may be ignored, RFC 2543 transaction matching, a 406 that is
	// the UAS's to send). The summary counts these apart.
	Allowed string
}

// want is the row's expectation for a transport ("udp", "tcp", "tls" or
// "ws").
func (r TortureRow) want(transport string) TortureWant {
	switch {
	case transport == "tls" && r.TLS != nil:
		return *r.TLS
	case transport == "ws" && r.WS != nil:
		return *r.WS
	case transport == "udp":
		return r.UDP
	}
	return r.TCP
}

// rowKey is the table key of a message: its file name, with " 6000" for
// the variant sent to the ring group.
func rowKey(file string, variant bool) string {
	if variant {
		return file + " 6000"
	}
	return file
}

// matching, matchingBecause, differing, bothWays and passesBoth build rows
// compactly.
func matching(codes string) TortureWant { return TortureWant{Codes: codes} }

func matchingBecause(codes, why string) TortureWant {
	return TortureWant{Codes: codes, Why: why}
}

func differing(codes, why string) TortureWant {
	return TortureWant{Codes: codes, Verdict: Differs, Why: why}
}

func bothWays(w TortureWant) TortureRow { return TortureRow{UDP: w, TCP: w} }

// passesBoth is bothWays(w) for a message the RFC lets through (TortureRow.Allowed).
func passesBoth(w TortureWant, why string) TortureRow {
	return TortureRow{UDP: w, TCP: w, Allowed: why}
}
