package sip

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

func TestEveryContactOfAMemberRings(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")},
	})
	desk, mobile := siptest.NewAgent(t, "1001"), siptest.NewAgent(t, "1001")
	for _, a := range []*siptest.Agent{desk, mobile} {
		if res := a.Register(r.addr, "pw1001", 600); res.StatusCode != 200 {
			t.Fatalf("register: %d", res.StatusCode)
		}
	}
	if n := len(r.loc.Contacts("1001", r.clock.Now())); n != 2 {
		t.Fatalf("%d contacts, want 2", n)
	}
	desk.SetBehaviour(siptest.RingForever)
	mobile.SetBehaviour(siptest.AnswerAfter(200 * time.Millisecond))
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	desk.WaitInvite(2 * time.Second)
	mobile.WaitInvite(2 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	eventually(t, func() bool { _, c, _, _ := desk.Counts(); return c == 1 })
	desk.Mu.Lock()
	if h := desk.Cancels[0].GetHeader("Reason"); h == nil || !strings.Contains(h.Value(), "Call completed elsewhere") {
		t.Errorf("the other device's CANCEL Reason = %v", h)
	}
	desk.Mu.Unlock()
	call.AckAndBye(t)
}

// rawRequest sends one datagram to ringd and returns the first line of its
// answer ("" when none comes within wait).
func rawRequest(t *testing.T, ringd, msg string, wait time.Duration) string {
	t.Helper()
	conn, err := net.Dial("udp", ringd)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	msg = strings.ReplaceAll(msg, "LOCAL", local)
	msg = strings.ReplaceAll(msg, "\n", "\r\n")
	if _, err := conn.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(clock.Real().Now().Add(wait))
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return ""
		}
		line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
		if !strings.Contains(line, " 100 ") {
			return line
		}
	}
}

func TestMalformedRequestsAreRefused(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001"), Groups: []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001")}})
	ms := registered(t, r, "1001")
	n := 0
	head := func(start string, extra ...string) string {
		n++
		return start + "\n" +
			"Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK-raw" + strconv.Itoa(n) + "\n" +
			strings.Join(extra, "\n") + "\n" +
			"Content-Length: 0\n\n"
	}
	std := []string{"From: <sip:2000@ringd.local>;tag=a", "To: <sip:6000@ringd.local>", "Call-ID: raw-1@test", "CSeq: 1 INVITE", "Max-Forwards: 70"}
	cases := []struct {
		name, msg, want string
	}{
		{"version", head("INVITE sip:6000@ringd.local SIP/3.0", std...), "505"},
		{"scheme", head("INVITE tel:6000 SIP/2.0", std...), "416"},
		{"no Call-ID", head("INVITE sip:6000@ringd.local SIP/2.0", std[0], std[1], std[3], std[4]), "400"},
		{"two Call-IDs", head("INVITE sip:6000@ringd.local SIP/2.0", append(std, "Call-ID: raw-2@test")...), "400"},
		{"CSeq method", head("INVITE sip:6000@ringd.local SIP/2.0", std[0], std[1], std[2], "CSeq: 1 BYE", std[4]), "400"},
		// Methods: one ringd knows but does not serve out of a dialog, and
		// one it does not know (written in lower case in CSeq: sipgo
		// upper-cases only the request line's, and methods are compared
		// without case for that).
		{"PUBLISH", head("PUBLISH sip:1001@ringd.local SIP/2.0", std[0], std[1], std[2], "CSeq: 1 PUBLISH", std[4]), "405"},
		// SUBSCRIBE is served for the dialog package only.
		{"SUBSCRIBE without Event", head("SUBSCRIBE sip:1001@ringd.local SIP/2.0", std[0], std[1], std[2], "CSeq: 1 SUBSCRIBE", std[4]), "489"},
		{"unknown method", head("Frobnicate sip:1001@ringd.local SIP/2.0", std[0], std[1], std[2], "CSeq: 1 Frobnicate", std[4]), "501"},
		// A request line sipgo cannot parse, answered before parsing.
		{"two spaces", head("INVITE  sip:6000@ringd.local SIP/2.0", std...), "400"},
	}
	for _, c := range cases {
		got := rawRequest(t, r.addr, c.msg, time.Second)
		if !strings.HasPrefix(got, "SIP/2.0 "+c.want+" ") { // SIP/2.0 even to a SIP/3.0 request
			t.Errorf("%s: answered %q, want SIP/2.0 %s", c.name, got, c.want)
		}
	}
	// A stray ACK is absorbed, never answered.
	if got := rawRequest(t, r.addr, head("ACK sip:6000@ringd.local SIP/2.0", std[0], std[1], std[2], "CSeq: 1 ACK", std[4]), 100*time.Millisecond); got != "" {
		t.Errorf("stray ACK answered %q", got)
	}
	ms[0].NoInvite(100 * time.Millisecond)
}

func TestPagingSignalling(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("8000", strategy.PagingIntercom, 2*time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "8000")
	callIDs := map[string]bool{}
	for _, m := range ms {
		inv := m.WaitInvite(2 * time.Second)
		// ringd calls each member as a UA of its own: a new dialog (fault d).
		cid := inv.CallID().Value()
		if cid == call.Sess.InviteRequest.CallID().Value() || callIDs[cid] {
			t.Errorf("%s: Call-ID %s is the caller's or another member's", m.Ext, cid)
		}
		callIDs[cid] = true
		if proxy.FromTag(inv) == proxy.FromTag(call.Sess.InviteRequest) || inv.CSeq().SeqNo != 1 || len(inv.GetHeaders("Via")) != 1 {
			t.Errorf("%s: From tag %s, CSeq %d, %d Vias: not a dialog of ringd's own", m.Ext, proxy.FromTag(inv), inv.CSeq().SeqNo, len(inv.GetHeaders("Via")))
		}
		if inv.GetHeader("Record-Route") != nil {
			t.Errorf("%s: ringd record-routes its own dialog", m.Ext)
		}
		if h := inv.GetHeader("Call-Info"); h == nil || h.Value() != "<sip:ringd.local>;answer-after=0" {
			t.Errorf("%s Call-Info = %v", m.Ext, h)
		}
		if h := inv.GetHeader("Alert-Info"); h == nil || h.Value() != "<http://www.notused>;info=alert-autoanswer;delay=0" {
			t.Errorf("%s Alert-Info = %v", m.Ext, h)
		}
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("pager got %d, want ringd's own 200", code)
	}
	call.Mu.Lock()
	body := string(call.Final.Body())
	call.Mu.Unlock()
	if !strings.Contains(body, "m=audio") {
		t.Errorf("ringd's answer has no SDP: %q", body)
	}
	// Both members auto-answered and got ringd's ACK.
	for _, m := range ms {
		eventually(t, func() bool { _, _, acks, _ := m.Counts(); return acks == 1 })
	}
	// A member that hangs up leaves the page; it is free again.
	eventually(t, func() bool { return r.busy("1002") })
	if code := ms[1].HangUp(ms[1].Invites[0]); code != 200 {
		t.Errorf("member's BYE: %d", code)
	}
	eventually(t, func() bool { return !r.busy("1002") && r.busy("1001") })
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, _, byes := ms[0].Counts(); return byes == 1 })
	if _, _, _, byes := ms[1].Counts(); byes != 0 {
		t.Errorf("the member that left got %d BYEs", byes)
	}
	eventually(t, func() bool { return r.ActiveCalls() == 0 && !r.busy("1001") })
}
