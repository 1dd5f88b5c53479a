package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// invite is a forwarded INVITE as ringd sends it: its Via on top of the
// caller's.
func invite(t *testing.T, transport string) *sip.Request {
	t.Helper()
	raw := "INVITE sip:1001@127.0.0.8:5090 SIP/2.0\r\n" +
		"Via: SIP/2.0/" + transport + " 127.0.0.1:5060;branch=z9hG4bK-ringd\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bK-caller\r\n" +
		"Max-Forwards: 69\r\nFrom: <sip:2000@ringd.local>;tag=caller\r\nTo: <sip:6000@ringd.local>\r\n" +
		"Call-ID: tx@127.0.0.9\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n"
	m, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	req := m.(*sip.Request)
	req.SetTransport(transport)
	return req
}

func response(req *sip.Request, code int) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, "x", nil)
	res.To().Params.Add("tag", "callee")
	return res
}

var t1 = int64(sip.T1)

// next is when the transaction wants Fire, failing when it wants nothing.
func next(t *testing.T, tx interface{ Next() (int64, bool) }) int64 {
	t.Helper()
	at, ok := tx.Next()
	if !ok {
		t.Fatal("no deadline")
	}
	return at
}

func TestInviteTxRetransmitsOverUDPUntilAResponseThenTimerC(t *testing.T) {
	tx := NewInviteTx(invite(t, "UDP"))
	if tx.Key != "z9hG4bK-ringd" {
		t.Fatalf("key %q", tx.Key)
	}
	tx.Start(0)
	for i, want := range []int64{t1, 3 * t1, 7 * t1} { // Timer A: T1, 2*T1, 4*T1 apart
		if at := next(t, tx); at != want {
			t.Fatalf("retransmission %d due at %v, want %v", i, time.Duration(at), time.Duration(want))
		}
		if ev := tx.Fire(want); ev != Resend {
			t.Fatalf("retransmission %d: %v", i, ev)
		}
	}
	if ev, ack := tx.Receive(response(tx.Req, 180), 8*t1); ev != Provisional || ack != nil {
		t.Fatalf("180: %v %v", ev, ack)
	}
	if at := next(t, tx); at != 8*t1+int64(TimerC) {
		t.Fatalf("after the 180 the next deadline is %v, want Timer C", time.Duration(at))
	}
	if ev := tx.Fire(8*t1 + int64(TimerC)); ev != TimedOut || !tx.Ended() {
		t.Fatalf("Timer C: %v", ev)
	}
}

func TestInviteTxGivesUpAfterTimerB(t *testing.T) {
	tx := NewInviteTx(invite(t, "TCP"))
	tx.Start(0)
	if at := next(t, tx); at != 64*t1 { // no retransmissions over TCP
		t.Fatalf("first deadline %v, want Timer B", time.Duration(at))
	}
	if ev := tx.Fire(64 * t1); ev != TimedOut {
		t.Fatalf("Timer B: %v", ev)
	}
	if _, ok := tx.Next(); ok {
		t.Fatal("a deadline after the end")
	}
}

func TestInviteTxAcknowledgesAFailureWithItsOwnViaOnly(t *testing.T) {
	tx := NewInviteTx(invite(t, "UDP"))
	tx.Start(0)
	ev, ack := tx.Receive(response(tx.Req, 486), t1/2)
	if ev != Failure || ack == nil {
		t.Fatalf("486: %v %v", ev, ack)
	}
	if vias := ack.GetHeaders("Via"); len(vias) != 1 || !strings.Contains(vias[0].Value(), "z9hG4bK-ringd") {
		t.Errorf("ACK Vias %v, want ringd's only", vias)
	}
	if to := ack.To(); to == nil || Tag(to.Params) != "callee" || ack.CSeq().SeqNo != 7 || ack.CSeq().MethodName != sip.ACK {
		t.Errorf("ACK To %v CSeq %v", ack.To(), ack.CSeq())
	}
	if ev, again := tx.Receive(response(tx.Req, 486), t1); ev != Absorbed || again != ack {
		t.Errorf("the 486 again: %v, ACK again %v", ev, again == ack)
	}
	if at := next(t, tx); at != t1/2+int64(Linger) {
		t.Errorf("linger until %v, want Timer D", time.Duration(at))
	}
	if ev := tx.Fire(t1/2 + int64(Linger)); ev != Over {
		t.Errorf("after Timer D: %v", ev)
	}
}

func TestInviteTx2xxRetransmissionsAndTheWaitAfterACancel(t *testing.T) {
	tx := NewInviteTx(invite(t, "UDP"))
	tx.Start(0)
	tx.Receive(response(tx.Req, 100), 10)
	tx.Cancelled(20)
	if at := next(t, tx); at != 20+64*t1 {
		t.Fatalf("after the CANCEL the final is waited for until %v, want 64*T1", time.Duration(at))
	}
	if ev, _ := tx.Receive(response(tx.Req, 200), 30); ev != Success {
		t.Fatalf("200: %v", ev)
	}
	if ev, _ := tx.Receive(response(tx.Req, 200), 40); ev != SuccessAgain {
		t.Fatalf("the 200 again: %v", ev)
	}
	if ev := tx.Fire(30 + int64(Linger)); ev != Over {
		t.Fatalf("after Timer M: %v", ev)
	}
}

func TestRequestTxRetransmitsUpToT2AndGivesUp(t *testing.T) {
	req := Cancel(invite(t, "UDP"), "")
	tx := NewRequestTx(req)
	tx.Start(0)
	at := int64(0)
	for _, gap := range []int64{t1, 2 * t1, 4 * t1, int64(sip.T2), int64(sip.T2)} { // Timer E
		at += gap
		if got := next(t, tx); got != at {
			t.Fatalf("retransmission due %v, want %v", time.Duration(got), time.Duration(at))
		}
		if ev := tx.Fire(at); ev != Resend {
			t.Fatalf("at %v: %v", time.Duration(at), ev)
		}
	}
	if ev := tx.Fire(64 * t1); ev != Over { // Timer F
		t.Fatalf("Timer F: %v", ev)
	}

	tx = NewRequestTx(req)
	tx.Start(0)
	tx.Receive(response(req, 200), t1/2)
	if got := next(t, tx); got != t1/2+int64(sip.T4) {
		t.Fatalf("after the 200 the transaction lingers until %v, want Timer K", time.Duration(got))
	}
	if ev := tx.Fire(t1/2 + int64(sip.T4)); ev != Over {
		t.Fatalf("Timer K: %v", ev)
	}
}
