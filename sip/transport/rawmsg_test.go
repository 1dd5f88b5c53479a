package transport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// torture is where the RFC 4475 messages live (read, never copied here).
const torture = "../../../shared/testdata/rfc4475"

// tortureMessages are the RFC 4475 messages, as fuzz seeds.
func tortureMessages() [][]byte {
	files, _ := filepath.Glob(filepath.Join(torture, "*.dat"))
	var out [][]byte
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// The RFC 4475 request lines sipgo cannot parse are the ones ringd answers
// itself; every request line sipgo parses passes untouched.
func TestStartLineRefusalOnTheTortureMessages(t *testing.T) {
	want := map[string]int{"ltgtruri.dat": 400, "lwsruri.dat": 400, "lwsstart.dat": 400, "trws.dat": 400,
		"novelsc.dat": 416, "unkscm.dat": 416}
	files, err := filepath.Glob(filepath.Join(torture, "*.dat"))
	if err != nil || len(files) != 49 {
		t.Fatalf("%d torture messages in %s (%v), want 49", len(files), torture, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if isResponse(data) {
			continue
		}
		code, _ := startLineRefusal(data)
		if code != want[filepath.Base(f)] {
			t.Errorf("%s: %d, want %d", filepath.Base(f), code, want[filepath.Base(f)])
		}
	}
}

func TestStartLineRefusal(t *testing.T) {
	for line, want := range map[string]int{
		"INVITE sip:6000@ringd.local SIP/2.0\r\n":      0,
		"OPTIONS sips:ringd.local SIP/2.0\r\n":         0,
		"NEWMETHOD SIP:6000@ringd.local SIP/7.0\r\n":   0, // the version is the checks' to refuse (505)
		"INVITE sip:6000@ringd.local SIP/2.0\n":        400,
		"INVITE sip:6000@ringd.local\r\n":              400,
		"INVITE\tsip:6000@ringd.local SIP/2.0\r\n":     400,
		"INV(ITE sip:6000@ringd.local SIP/2.0\r\n":     400,
		" INVITE sip:6000@ringd.local SIP/2.0\r\n":     400,
		"INVITE 6000@ringd.local SIP/2.0\r\n":          400,
		"INVITE 9sip:6000@ringd.local SIP/2.0\r\n":     400,
		"INVITE tel:+15551234567 SIP/2.0\r\n":          416,
		"INVITE sip:6000@ringd.local SIP/2.0 \r\n":     400,
		"INVITE sip:6000@ringd.local  SIP/2.0\r\n":     400,
		"INVITE <sip:6000@ringd.local> SIP/2.0\r\n":    400,
		"INVITE http://example.com/x SIP/2.0\r\n":      416,
		"INVITE sip:6000@ringd.local SIP/2.0":          400,
		"INVITE sip:6000@ringd.local SIP/2.0\r\nX\r\n": 0,
	} {
		if got, _ := startLineRefusal([]byte(line)); got != want {
			t.Errorf("%q: %d, want %d", line, got, want)
		}
	}
}

func TestStatelessReplyMatchesTheRequest(t *testing.T) {
	req := crlf("INVITE  sip:6000@ringd.local SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-a\n" +
		"v: SIP/2.0/UDP 127.0.0.9;branch=z9hG4bK-b\nFrom: <sip:2000@ringd.local>;tag=f1\nTo: \"Sales\"\n <sip:6000@ringd.local>\n" +
		"i: abc@127.0.0.2\nCSeq: 7 INVITE\nUser-Agent: x\nContent-Length: 3\n\nabc")
	out := statelessReply(req, 400, "Bad Request Line")
	msg, err := sip.ParseMessage(out)
	if err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	res, ok := msg.(*sip.Response)
	if !ok || res.StatusCode != 400 || res.Reason != "Bad Request Line" {
		t.Fatalf("not a 400: %s", out)
	}
	if vias := res.GetHeaders("Via"); len(vias) != 2 || !strings.Contains(vias[0].Value(), "branch=z9hG4bK-a") {
		t.Errorf("Vias %v", vias)
	}
	if res.CallID().Value() != "abc@127.0.0.2" || res.CSeq().SeqNo != 7 || res.CSeq().MethodName != "INVITE" {
		t.Errorf("Call-ID %v, CSeq %v", res.CallID(), res.CSeq())
	}
	if tag, _ := res.To().Params.Get("tag"); tag == "" || res.To().Address.User != "6000" {
		t.Errorf("To %v: want the request's with a tag", res.To())
	}
	if tag, _ := res.From().Params.Get("tag"); tag != "f1" || len(res.Body()) != 0 {
		t.Errorf("From %v, body %q", res.From(), res.Body())
	}
	// A request ringd could not match a response to gets none.
	if out := statelessReply(crlf("INVITE  sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\nCSeq: 1 INVITE\n\n"), 400, "x"); out != nil {
		t.Errorf("reply without From/To/Call-ID: %q", out)
	}
}

func TestScannerUserAgents(t *testing.T) {
	needles := DefaultProtection().Scanners
	for msg, want := range map[string]bool{
		"OPTIONS sip:100@1.1.1.1 SIP/2.0\nVia: x\nUser-Agent: friendly-scanner\n\n":               true,
		"OPTIONS sip:100@1.1.1.1 SIP/2.0\nuser-agent :  SIPVicious 0.3.3\n\n":                     true,
		"REGISTER sip:x SIP/2.0\nUser-Agent: VaxSIPUserAgent/3.1\n\n":                             true,
		"REGISTER sip:x SIP/2.0\nUser-Agent: pplsip\n\n":                                          true,
		"REGISTER sip:x SIP/2.0\nUser-Agent: Yealink\n sipcli/v1.8\n\n":                           true, // folded
		"INVITE sip:x SIP/2.0\nUser-Agent: Yealink SIP-T46U\n\n":                                  false,
		"INVITE sip:x SIP/2.0\nSubject: friendly-scanner\nUser-Agent: baresip\n\n":                false,
		"INVITE sip:x SIP/2.0\nUser-Agent: baresip\n\nUser-Agent: friendly-scanner (in the body)": false,
	} {
		if got := scanner(readHeaders(crlf(msg)).userAgent, needles); got != want {
			t.Errorf("%q: scanner %v, want %v", msg, got, want)
		}
	}
}

// The path every datagram takes allocates nothing.
func TestUserAgentScanAllocatesNothing(t *testing.T) {
	msg := crlf("INVITE sip:6000@ringd.local SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-a\n" +
		"From: <sip:2000@ringd.local>;tag=f1\nTo: <sip:6000@ringd.local>\nCall-ID: abc\nCSeq: 1 INVITE\n" +
		"Contact: <sip:2000@127.0.0.2:5070>\nUser-Agent: Yealink SIP-T46U 66.86.0.15\nContent-Length: 0\n\n")
	needles := DefaultProtection().Scanners
	if n := testing.AllocsPerRun(100, func() {
		if scanner(readHeaders(msg).userAgent, needles) {
			t.Fatal("scanner")
		}
		if code, _ := startLineRefusal(msg); code != 0 {
			t.Fatal(code)
		}
	}); n != 0 {
		t.Errorf("%v allocations per datagram", n)
	}
}

// readHeaders answers 400 for RFC 4475's invalid messages sipgo cannot
// parse but a response can be built for, and passes every message the RFC
// calls valid (and those it wants accepted).
func TestHeaderRefusal(t *testing.T) {
	refused := map[string]string{"badinv01.dat": "Bad Via Header", "clerr.dat": "Bad Content-Length", "ncl.dat": "Bad Content-Length",
		"scalar02.dat": "Bad CSeq", "quotbal.dat": "Bad To Header", "badaspec.dat": "Bad To Header"}
	valid := []string{"wsinv.dat", "intmeth.dat", "esc01.dat", "escnull.dat", "esc02.dat", "lwsdisp.dat", "longreq.dat",
		"dblreq.dat", "semiuri.dat", "transports.dat", "mpart01.dat", "unreason.dat", "noreason.dat",
		"cparam01.dat", "cparam02.dat", "regescrt.dat", "inv2543.dat", "baddn.dat", "badbranch.dat", "bcast.dat", "zeromf.dat"}
	read := func(f string) []byte {
		b, err := os.ReadFile(filepath.Join(torture, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for f, want := range refused {
		if h := readHeaders(read(f)); h.code != 400 || h.reason != want {
			t.Errorf("%s: %d %q, want 400 %q", f, h.code, h.reason, want)
		}
	}
	for _, f := range valid {
		if h := readHeaders(read(f)); h.code != 0 {
			t.Errorf("%s (to be taken): refused %d %q", f, h.code, h.reason)
		}
	}
	for _, line := range []string{"Content-Length: 5", "l: 0", "CSeq: 4294967295 OPTIONS", `From: "a\"b" <sip:a@b>;tag=1`,
		"Via: SIP/2.0/UDP [2001:db8::1]:5060;rport;branch=z9hG4bK1, SIP/2.0/TCP h;branch=z9hG4bK2", `Contact: "x;y,z" <sip:a@b;lr;x=1>;q=0.5, <sip:c@d>`} {
		msg := []byte("OPTIONS sip:a@b SIP/2.0\r\n" + line + "\r\n\r\nhello")
		if h := readHeaders(msg); h.code != 0 {
			t.Errorf("%q: refused %d %q", line, h.code, h.reason)
		}
	}
	for _, h := range []string{"Content-Length: 6", "Content-Length: +1", "CSeq: 4294967296 OPTIONS", "CSeq: x OPTIONS",
		`To: "open <sip:a@b>`, "To: <sip:a@b >", "Via: SIP/2.0/UDP h;branch=z9hG4bK1;", "Contact: <sip:a@b>,,<sip:c@d>"} {
		msg := []byte("OPTIONS sip:a@b SIP/2.0\r\n" + h + "\r\n\r\nhello")
		if readHeaders(msg).code != 400 {
			t.Errorf("%q: taken", h)
		}
	}
}
