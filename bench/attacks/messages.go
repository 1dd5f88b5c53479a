package attacks

import (
	"fmt"
	"strings"
)

// Attack is one message of the set: its class, what it tries, and the
// answer ringd must give ("400", "505", "none": no answer at all - over a
// stream ringd may also close the connection - or "oversize": over UDP
// none, over a stream 513).
type Attack struct {
	Class string // the class of advisory it stands for
	Name  string
	Want  string
	// Method is the message's method (its response's CSeq).
	Method string
	text   string // the message, with the placeholders of Render
}

// Render is the message for a client at local (host:port) over transport
// (UDP, TCP, TLS, WS), to ringd's domain: {via} is the client's Via
// sent-by and transport, {n} makes Call-ID and branch unique, {domain} is
// ringd's domain, {vias100} and {vias300} a Via header repeated 100 and
// 300 times.
func (a Attack) Render(transport, local, domain string, n int) []byte {
	via := "Via: SIP/2.0/" + transport + " " + local + ";branch=z9hG4bKrelay\r\n"
	r := strings.NewReplacer("{via}", transport+" "+local, "{n}", fmt.Sprint(n), "{domain}", domain,
		"{vias100}", strings.Repeat(via, 100), "{vias300}", strings.Repeat(via, 300))
	return []byte(r.Replace(a.text))
}

// common are the headers every message carries after its own.
const common = "From: <sip:attacker@{domain}>;tag=a{n}\r\nCall-ID: attack-{n}\r\nMax-Forwards: 70\r\n"

// Set is the regression set. Group is ringd's ring group number whose
// member must never see any of them.
func Set(group string) []Attack {
	invite := "INVITE sip:" + group + "@{domain} SIP/2.0\r\n"
	sdp := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
	body := fmt.Sprintf("Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", len(sdp), sdp)
	opts := "OPTIONS sip:{domain} SIP/2.0\r\n"
	top := "Via: SIP/2.0/{via};branch=z9hG4bKatk{n}\r\n"
	return []Attack{
		{Class: "header smuggling (AST-2016-009)", Name: "control character in a header name beside the real one", Want: "400", Method: "INVITE",
			text: invite + top + "To\x01: <sip:evil@{domain}>\r\nTo: <sip:" + group + "@{domain}>\r\n" + common + "CSeq: 1 INVITE\r\nContact: <sip:attacker@{via}>\r\n" + body},
		{Class: "header smuggling (AST-2016-009)", Name: "NUL inside a header name", Want: "400", Method: "INVITE",
			text: invite + top + "To: <sip:" + group + "@{domain}>\r\nCont\x00act: <sip:evil@10.0.0.1>\r\n" + common + "CSeq: 1 INVITE\r\n" + body},
		{Class: "header smuggling (AST-2016-009)", Name: "space inside a header name", Want: "400", Method: "INVITE",
			text: invite + top + "To: <sip:" + group + "@{domain}>\r\nRecord Route: <sip:evil@10.0.0.1;lr>\r\n" + common + "CSeq: 1 INVITE\r\n" + body},
		{Class: "nameless header (CVE-2020-28361)", Name: "a header line starting with a colon", Want: "400", Method: "OPTIONS",
			text: opts + top + "To: <sip:{domain}>\r\n: smuggled\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"},
		{Class: "nameless header (CVE-2020-28361)", Name: "a nameless header in an INVITE", Want: "400", Method: "INVITE",
			text: invite + top + "To: <sip:" + group + "@{domain}>\r\n:\r\n" + common + "CSeq: 1 INVITE\r\n" + body},
		{Class: "Via flood", Name: "100 Via headers", Want: "400", Method: "OPTIONS",
			text: opts + top + "{vias100}To: <sip:{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"},
		{Class: "Via flood", Name: "300 Via headers, past max_message", Want: "oversize", Method: "OPTIONS",
			text: opts + top + "{vias300}To: <sip:{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"},
		{Class: "unparseable Via host (CVE-2018-16657)", Name: "a Via whose host is ':]'", Want: "400", Method: "OPTIONS",
			text: opts + top + "Via: SIP/2.0/UDP :]\r\nTo: <sip:{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"},
		{Class: "unparseable Via host (CVE-2018-16657)", Name: "a Via without a host, forwarded", Want: "400", Method: "INVITE",
			text: invite + top + "Via: SIP/2.0/UDP ;branch=z9hG4bKx\r\nTo: <sip:" + group + "@{domain}>\r\n" + common + "CSeq: 1 INVITE\r\n" + body},
		{Class: "RFC 4475 strictness", Name: "CSeq method not the request's (mismatch)", Want: "400", Method: "OPTIONS",
			text: opts + top + "To: <sip:{domain}>\r\n" + common + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"},
		{Class: "RFC 4475 strictness", Name: "two Call-IDs and two Tos (multi)", Want: "400", Method: "INVITE",
			text: invite + top + "To: <sip:" + group + "@{domain}>\r\nTo: <sip:other@{domain}>\r\nCall-ID: second-{n}\r\n" + common + "CSeq: 1 INVITE\r\n" + body},
		{Class: "RFC 4475 strictness", Name: "SIP/7.0 (badvers)", Want: "505", Method: "OPTIONS",
			text: "OPTIONS sip:{domain} SIP/7.0\r\n" + top + "To: <sip:{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"},
		{Class: "scanner", Name: "friendly-scanner from a trusted source", Want: "none", Method: "OPTIONS",
			text: "OPTIONS sip:100@{domain} SIP/2.0\r\n" + top + "To: <sip:100@{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n"},
		{Class: "scanner", Name: "sipvicious INVITE", Want: "none", Method: "INVITE",
			text: invite + top + "To: <sip:" + group + "@{domain}>\r\n" + common + "CSeq: 1 INVITE\r\nUser-Agent: sipvicious/0.3.3\r\n" + body},
	}
}

// Options is a plain OPTIONS, which ringd answers 200: its health check
// after each attack.
func Options(transport, local, domain string, n int) []byte {
	a := Attack{text: "OPTIONS sip:{domain} SIP/2.0\r\nVia: SIP/2.0/{via};branch=z9hG4bKok{n}\r\nTo: <sip:{domain}>\r\n" + common + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"}
	return a.Render(transport, local, domain, n)
}
