package sip

import (
	"context"
	"strings"
	"testing"
	"time"

	sipgosip "github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// pickupRig is a group call ringing two members, ready to be picked up.
type pickupRig struct {
	r       *testRingd
	reg     *prometheus.Registry
	records chan cdr.Record
	members []*siptest.Agent
	caller  *siptest.Agent
	call    *siptest.Call
}

// ringForPickup starts ringd with group 6000 (1001, 1002 registered and
// ringing; 1003 a member that is not registered) and places a call from
// 2000 to it.
func ringForPickup(t *testing.T) *pickupRig {
	t.Helper()
	records := make(chan cdr.Record, 4)
	reg := prometheus.NewRegistry()
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "1009", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 30*time.Second, "1001", "1002", "1003")}},
		Hooks{Record: func(c cdr.Record) { records <- c }, Metrics: reg})
	ms := registered(t, r, "1001", "1002")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6000")
	for _, m := range ms {
		m.WaitInvite(2 * time.Second)
	}
	return &pickupRig{r: r, reg: reg, records: records, members: ms, caller: caller, call: call}
}

// pickUp dials number from a new agent for picker ext (with extra
// headers) and checks both ends get ringd's 200 and talk to each other
// through it; then the picker hangs up and the caller gets ringd's BYE.
func (p *pickupRig) pickUp(t *testing.T, ext, number, kind string, headers ...sipgosip.Header) {
	t.Helper()
	picker := siptest.NewAgent(t, ext)
	picker.UseRTP(siptest.NewRTPSink(t))
	pc := picker.Dial(context.Background(), p.r.addr, number, headers...)
	if code := pc.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("picker got %d", code)
	}
	if code := p.call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	pc.Ack(t)
	p.call.Ack(t)
	for _, m := range p.members {
		eventually(t, func() bool { m.Mu.Lock(); defer m.Mu.Unlock(); return len(m.Cancels) == 1 })
		m.Mu.Lock()
		reason := m.Cancels[0].GetHeader("Reason")
		m.Mu.Unlock()
		if reason == nil || !strings.Contains(reason.Value(), "Call completed elsewhere") {
			t.Errorf("%s: CANCEL Reason %v, want completed elsewhere", m.Ext, reason)
		}
	}
	// Each side sends to the address ringd's 200 gave it; the other hears it.
	pc.Mu.Lock()
	toPicker, _ := siptest.SDPAddr(pc.Final.Body())
	pc.Mu.Unlock()
	p.call.Mu.Lock()
	toCaller, _ := siptest.SDPAddr(p.call.Final.Body())
	p.call.Mu.Unlock()
	if toPicker == toCaller || !toPicker.IsValid() {
		t.Fatalf("ringd's SDP: caller side %v, picker side %v", toCaller, toPicker)
	}
	for i := 0; i < 20; i++ {
		pkt := func(b byte) *rtp.Packet {
			return &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(160 * i), SSRC: uint32(b)},
				Payload: []byte(strings.Repeat(string(rune(b)), 160))}
		}
		p.caller.RTP.Send(toCaller, pkt('c'))
		picker.RTP.Send(toPicker, pkt('p'))
		time.Sleep(2 * time.Millisecond)
	}
	for _, side := range []struct {
		who  string
		sink *siptest.RTPSink
		want byte
	}{{"picker", picker.RTP, 'c'}, {"caller", p.caller.RTP, 'p'}} {
		got := side.sink.WaitCount(20, 2*time.Second)
		if len(got) != 20 || got[0].Packet.Payload[0] != side.want || got[19].Packet.Payload[0] != side.want {
			t.Fatalf("%s heard %d packets, want 20 of the other side's", side.who, len(got))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pc.Sess.Bye(ctx); err != nil {
		t.Fatalf("picker's BYE: %v", err)
	}
	eventually(t, func() bool { _, _, _, byes := p.caller.Counts(); return byes == 1 })
	select {
	case rec := <-p.records:
		if rec.Outcome != "answered" || rec.AnsweredBy != ext || len(rec.Legs) != 2 {
			t.Errorf("record: outcome %s answered_by %q, %d legs", rec.Outcome, rec.AnsweredBy, len(rec.Legs))
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no record")
	}
	eventually(t, func() bool { return p.r.drv.rtp.InUse() == 0 && p.r.ActiveCalls() == 0 })
	if n := counterValue(p.reg, "ringd_pickups_total", map[string]string{"kind": kind}); n != 1 {
		t.Errorf("ringd_pickups_total{kind=%q} = %v", kind, n)
	}
}

func TestGroupPickup(t *testing.T) {
	t.Parallel()
	ringForPickup(t).pickUp(t, "1003", "*8", "group")
}

func TestDirectedPickup(t *testing.T) {
	t.Parallel()
	ringForPickup(t).pickUp(t, "1009", "**1002", "directed")
}

func TestPickupByReplaces(t *testing.T) {
	t.Parallel()
	p := ringForPickup(t)
	m := p.members[1]
	m.Mu.Lock()
	inv := m.Invites[0]
	m.Mu.Unlock()
	fromTag, _ := inv.From().Params.Get("tag")
	replaces := inv.CallID().Value() + ";to-tag=x;from-tag=" + fromTag
	p.pickUp(t, "1009", "1002", "replaces", sipgosip.NewHeader("Replaces", replaces))
}

// Nothing to pick up: 480; *8 from an extension in no ringing group: 480.
func TestPickupWithNothingRinging(t *testing.T) {
	t.Parallel()
	p := ringForPickup(t)
	for _, tc := range []struct{ ext, number string }{{"1009", "*8"}, {"1009", "**1003"}, {"1009", "**4444"}} {
		a := siptest.NewAgent(t, tc.ext)
		if code := a.Dial(context.Background(), p.r.addr, tc.number).Wait(t, 3*time.Second); code != 480 {
			t.Errorf("%s dialling %s: %d, want 480", tc.ext, tc.number, code)
		}
	}
	// the call still rings
	p.call.Mu.Lock()
	final := p.call.Final
	p.call.Mu.Unlock()
	if _, _, _, byes := p.caller.Counts(); byes != 0 || final != nil {
		t.Errorf("the call was touched: final %v", final)
	}
}
