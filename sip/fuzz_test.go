package sip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/strategy"
)

// torture is where the RFC 4475 messages live (read, never copied here).
const torture = "../../shared/testdata/rfc4475"

// FuzzRequestHandling parses bytes as sipgo does and runs what ringd does
// with a request before it touches the network: the checks of SPEC §2,
// then (for a request they let through) building the copy it would
// forward, its CANCEL, a response back upstream, and who calls as the
// engine sees it. None of it may panic, and a request the checks refuse is
// never turned into a forwarded one. (What the transports do with the raw
// bytes first is sip/transport's FuzzRawScreening.)
func FuzzRequestHandling(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(torture, "*.dat"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, m := range []string{
		"INVITE sip:6000@ringd.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\nMax-Forwards: 70\r\n" +
			"From: <sip:2000@ringd.local>;tag=a\r\nTo: <sip:6000@ringd.local>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n" +
			"Contact: <sip:2000@127.0.0.1:5070>\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n",
		"BYE sip:1001@127.0.0.1:5072 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2\r\nRoute: <sip:127.0.0.1:5060;lr>\r\n" +
			"From: <sip:2000@ringd.local>;tag=a\r\nTo: <sip:6000@ringd.local>;tag=b\r\nCall-ID: c1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
		"REGISTER sip:ringd.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-3\r\nFrom: <sip:1001@ringd.local>;tag=r\r\n" +
			"To: <sip:1001@ringd.local>\r\nCall-ID: r1\r\nCSeq: 1 REGISTER\r\nContact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n",
	} {
		f.Add([]byte(m))
	}
	r := startRingd(f, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001")}})
	self := r.listeners
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := sip.ParseMessage(data)
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			return
		}
		if rej := proxy.Validate(self, req); rej != nil {
			if rej.Code < 400 || rej.Code > 699 {
				t.Fatalf("a refused request got %d", rej.Code)
			}
			return
		}
		out := proxy.Forward(self, req, proxy.Target{URI: req.Recipient}, proxy.Forwarding{RecordRoute: true})
		if mf := out.MaxForwards(); mf == nil || (req.MaxForwards() != nil && mf.Val() != req.MaxForwards().Val()-1) {
			t.Fatalf("forwarded Max-Forwards %v from %v", mf, req.MaxForwards())
		}
		if out.Via() == nil || !strings.Contains(out.Via().Value(), "127.0.0.1") {
			t.Fatalf("forwarded without ringd's Via: %v", out.Via())
		}
		if req.IsInvite() {
			_ = proxy.Cancel(out, "SIP;cause=200")
			res := sip.NewResponseFromRequest(out, 180, "Ringing", nil)
			_ = proxy.Upstream(res, req, true)
		}
		_ = callerOf(req)
		_, _ = proxy.ToTag(req), proxy.FromTag(req)
	})
}
