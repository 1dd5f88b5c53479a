package torture

import (
	"fmt"
	"strings"
)

// TortureTable is what ringd does with every RFC 4475 message, built by
// running the torture suite against ringd (sipgo v1.7.3) and judging each
// answer against the RFC. Keys are file names, with " 6000" for the copy
// sent to ring group 6000 (TortureMessage.Variant). The run fails when an
// answer is not the one here: re-run, judge the new answer, update the row.
//
// Config: domain example.com with sip.aliases example.org, example.net,
// company.com, chair-dnrc.example.com and registrar.example.com (the
// messages' other domains), trusted 127.0.0.0/8. Without the aliases,
// esc01, esc02 and baddn get 403 (no relaying) instead.
var TortureTable = map[string]TortureRow{
	// 3.1.1 valid messages
	"wsinv.dat": bothWays(differing("400", "sipgo answers 400 statelessly before ringd sees it: the branch has no RFC 3261 cookie, "+
		"and sipgo's RFC 2543 transaction key needs the From tag, which it does not find when written with LWS around '='")),
	"intmeth.dat": bothWays(matchingBecause("501", "a method ringd does not know (ringd compares it with CSeq's without "+
		"case, as sipgo upper-cases only the request line's)")),
	"esc01.dat":        bothWays(matching("404")), // the escaped user is no number
	"escnull.dat":      bothWays(matching("401")), // the registrar challenges first
	"esc02.dat":        bothWays(matchingBecause("501", "ringd does not take the escaped method for REGISTER: a method it does not know")),
	"lwsdisp.dat":      bothWays(matching("200")),
	"lwsdisp.dat 6000": bothWays(matching("200")),
	"longreq.dat":      bothWays(matching("404")), // "user" is no number here
	"longreq.dat 6000": bothWays(matching("480")), // rings the member, which answers 486
	"dblreq.dat": {UDP: matching("401"), TCP: differing("401 404 closed|401 closed|404 closed|none closed",
		"over TCP the trailing bytes are a second message: an INVITE with 5 bytes more body than its Content-Length; "+
			"sipgo answers the REGISTER (401) and the INVITE (404), fails to parse the leftover bytes and closes the "+
			"connection, often before its answers are out, so the REGISTER may get no answer (the RFC's test is for UDP)"),
		WS: overWS(matchingBecause("401", "over WebSocket the frame is the message: the REGISTER is answered, the trailing octets ignored"))},
	"semiuri.dat":         bothWays(matching("200")),
	"transports.dat":      bothWays(matching("200")),
	"transports.dat 6000": bothWays(matching("200")),
	"mpart01.dat":         bothWays(matching("403")), // its Route names another host: no relaying
	"unreason.dat":        bothWays(matching("none")),
	"noreason.dat":        bothWays(matching("none")),

	// 3.1.2 invalid messages
	"badinv01.dat":      badHeaders("Malformed protocol name in Via header"),
	"badinv01.dat 6000": badHeaders("Malformed protocol name in Via header"),
	"clerr.dat":         {UDP: headersChecked, TCP: clerrTCP, WS: overWS(headersChecked)},
	"clerr.dat 6000":    {UDP: headersChecked, TCP: clerrTCP, WS: overWS(headersChecked)},
	"ncl.dat":           {UDP: headersChecked, TCP: unframed, WS: overWS(headersChecked)},
	"ncl.dat 6000":      {UDP: headersChecked, TCP: unframed, WS: overWS(headersChecked)},
	"scalar02.dat":      badHeaders("CSeq number out of range"),
	"scalarlg.dat":      {UDP: matching("none"), TCP: matching("none closed")},
	"quotbal.dat":       badHeaders("invalid uri display name inside quotes"),
	"quotbal.dat 6000":  badHeaders("invalid uri display name inside quotes"),
	"ltgtruri.dat":      badRequestLine("invalid uri scheme"),
	"lwsruri.dat":       badRequestLine("not a SIP message"),
	"lwsruri.dat 6000":  badRequestLine("not a SIP message"),
	"lwsstart.dat":      badRequestLine("not a SIP message"),
	"lwsstart.dat 6000": badRequestLine("not a SIP message"),
	"trws.dat":          badRequestLine("not a SIP message"),
	"escruri.dat": bothWays(matchingBecause("404", "ringd routes on the Request-URI and ignores its escaped header, which it never "+
		"forwards (what the RFC requires; 400 is only acceptable); \"user\" is no number here: 404")),
	"escruri.dat 6000": passesBoth(matchingBecause("480", "rings the member, which answers 486"),
		"ringd's INVITE to the member is sent to 1001's contact without the escaped Route header: the RFC forbids forwarding "+
			"the header, not the request"),
	"baddate.dat": bothWays(matchingBecause("404", "ringd ignores the Date header, as the RFC allows; \"user\" is no number here: 404")),
	"baddate.dat 6000": passesBoth(matchingBecause("480", "ringd ignores the Date header and rings the member, which answers 486"),
		"the RFC lets an element ignore the bad Date instead of answering 400"),
	"regbadct.dat": bothWays(matchingBecause("401", "ringd challenges every REGISTER before it reads the Contact; "+
		"the RFC's 400 is only \"reasonable\" and a liberal registrar may read the Contact as the RFC explains")),
	"badaspec.dat":      badHeaders("invalid uri scheme"),
	"badaspec.dat 6000": badHeaders("invalid uri scheme"),
	"baddn.dat": passesBoth(matchingBecause("200", "sipgo reads the unquoted display names liberally and ringd answers "+
		"the OPTIONS itself: nothing is propagated"),
		"RFC 4475 §3.1.2.15 lets an element be liberal and infer the missing quotes instead of answering 400"),
	"badvers.dat":         bothWays(matching("505")),
	"mismatch01.dat":      bothWays(matching("400")),
	"mismatch01.dat 6000": bothWays(matching("400")),
	"mismatch02.dat":      bothWays(matching("400")),
	"mismatch02.dat 6000": bothWays(matching("400")),
	"bigcode.dat":         {UDP: matching("none"), TCP: matching("none closed")},

	// 3.2 transaction layer
	"badbranch.dat":      passesBoth(fallback2543, "RFC 4475 §3.2.1 lets an element fall back to RFC 2543 transaction matching instead of answering 400"),
	"badbranch.dat 6000": passesBoth(fallback2543, "RFC 4475 §3.2.1 lets an element fall back to RFC 2543 transaction matching instead of answering 400"),

	// 3.3 application layer semantics
	"insuf.dat":      bothWays(matching("400")),
	"insuf.dat 6000": bothWays(matching("400")),
	"unkscm.dat":     bothWays(matching("416")),
	"novelsc.dat":    bothWays(matchingBecause("416", "ringd answers a scheme sipgo cannot parse before parsing, statelessly")),
	"unksm2.dat": bothWays(matchingBecause("401", "ringd challenges every REGISTER before it reads the To URI: "+
		"a registrar's 400 would come after authentication")),
	"bext01.dat":      bothWays(matching("420")),
	"bext01.dat 6000": bothWays(matching("420")),
	"invut.dat": bothWays(matchingBecause("404", "ringd is a proxy for this INVITE and \"user\" is no number here: 404 "+
		"(415 is the UAS's answer)")),
	"invut.dat 6000": bothWays(matchingBecause("480", "ringd forwards the INVITE with its unknown body type to the member, "+
		"as a proxy should; the member answers 486, so the caller gets 480")),
	"regaut01.dat":     bothWays(matching("401")),
	"multi01.dat":      bothWays(matching("400")),
	"multi01.dat 6000": bothWays(matching("400")),
	"mcl01.dat":        {UDP: matching("400"), TCP: mcl01TCP, WS: overWS(matching("400"))},
	"mcl01.dat 6000":   {UDP: matching("400"), TCP: mcl01TCP, WS: overWS(matching("400"))},
	"bcast.dat":        bothWays(matching("none")),
	"zeromf.dat":       bothWays(matching("483")),
	"zeromf.dat 6000":  bothWays(matching("483")),
	"cparam01.dat":     bothWays(matching("401")),
	"cparam02.dat":     bothWays(matching("401")),
	"regescrt.dat":     bothWays(matching("401")),
	"sdp01.dat": bothWays(matchingBecause("404", "ringd is a proxy for this INVITE and \"user\" is no number here: 404 "+
		"(406 is the UAS's answer)")),
	"sdp01.dat 6000": passesBoth(matchingBecause("480", "rings the member, which answers 486"),
		"the RFC's 406 is the UAS's answer: ringd, a proxy, forwards the INVITE to the member, the UAS"),

	// 3.4 backward compatibility
	"inv2543.dat": {
		UDP: differing("400", "sipgo answers 400 statelessly before ringd sees it: with no branch it needs the From tag for an "+
			"RFC 2543 transaction key, and an RFC 2543 From has none"),
		TCP: differing("400 closed", "it has no Content-Length, which RFC 3261 §18.3 requires on a stream: "+
			"ringd cannot frame its body, answers 400 and closes the connection (the RFC's test is for UDP)"),
		WS: overWS(differing("400", "over WebSocket the frame is the message, so it is read as over UDP: sipgo answers 400 "+
			"statelessly, needing the From tag it does not have for an RFC 2543 transaction key")),
	},
}

// fallback2543 is badbranch's answer: ringd serves the OPTIONS.
var fallback2543 = matchingBecause("200", "sipgo matches the transaction by RFC 2543 rules and ringd answers the OPTIONS, "+
	"the RFC's alternative to 400")

// overWS is a want of a row's WebSocket sends (TortureRow.WS).
func overWS(w TortureWant) *TortureWant { return &w }

// mcl01TCP: over a stream two Content-Lengths leave no boundary to trust.
var mcl01TCP = matchingBecause("400 closed", "ringd frames stream messages itself and cannot tell which of the two "+
	"Content-Lengths ends this one: it answers 400 and closes the connection, as the RFC asks over TCP")

// unframed: over a stream a Content-Length that is not a number leaves no
// boundary.
var unframed = matchingBecause("400 closed", "ringd frames stream messages itself and the Content-Length is not a number: "+
	"it answers 400 and closes the connection, as the RFC asks over TCP")

// clerrTCP: over TCP ringd waits for clerr's missing body bytes.
var clerrTCP = matchingBecause("none", "over TCP ringd waits for the body bytes that never come, as the RFC allows")

// badRequestLine is a request whose request line sipgo v1.7.3 cannot
// parse: ringd answers it 400 itself before parsing, a stateless reply
// from the message's own header lines (over TCP and TLS on the message it
// frames itself, over WebSocket on the frame).
func badRequestLine(err string) TortureRow {
	return bothWays(matchingBecause("400", "ringd checks the request line before sipgo parses the message ("+err+
		") and answers 400 statelessly"))
}

// badHeaders is a request whose headers sipgo v1.7.3 cannot parse: ringd
// answers it 400 itself before parsing (its header check).
func badHeaders(err string) TortureRow {
	return bothWays(matchingBecause("400", "ringd checks the headers sipgo cannot parse ("+err+
		") before it parses the message and answers 400 statelessly"))
}

// headersChecked: ringd's check of the raw headers answers 400.
var headersChecked = matchingBecause("400", "ringd checks the headers sipgo cannot parse before it parses the message and answers 400 statelessly")

// suggestRow prints a table row for an outcome the table does not hold,
// to paste into TortureTable once it has been judged.
func suggestRow(key, transport, outcome string) string {
	return fmt.Sprintf("%q: %s: ringd says %q (update TortureTable in bench/torture/table.go)", key, strings.ToUpper(transport), outcome)
}
