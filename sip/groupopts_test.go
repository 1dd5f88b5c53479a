package sip

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// cid_name_prefix shows on the members' From display name (the caller's
// own From comes back on the responses); answered_elsewhere: false sends
// the losers' CANCELs without a Reason - from the engine's cancel of the
// other members and from the fork of the winner's own other devices.
func TestCIDNamePrefixAndSilentCancel(t *testing.T) {
	t.Parallel()
	g := group("6000", strategy.RingAll, 10*time.Second, "1001", "1002")
	g.CIDNamePrefix, g.SilentCancel = "Sales: ", true
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"), Groups: []engine.GroupSpec{g}})
	ms := registered(t, r, "1001", "1002")
	second := registered(t, r, "1002")[0] // a second device of 1002
	ms[0].SetBehaviour(siptest.RingForever)
	second.SetBehaviour(siptest.RingForever)
	ms[1].SetBehaviour(siptest.AnswerAfter(200 * time.Millisecond))
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	for _, m := range []*siptest.Agent{ms[0], ms[1], second} {
		inv := m.WaitInvite(3 * time.Second)
		if got := inv.From().DisplayName; got != "Sales: Caller 2000" {
			t.Errorf("%s: From display name %q, want the prefix before the caller's name", m.Ext, got)
		}
		if tag, _ := inv.From().Params.Get("tag"); tag != tagOf(call) {
			t.Errorf("%s: From tag %q, want the caller's %q", m.Ext, tag, tagOf(call))
		}
	}
	if code := call.Wait(t, 5*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.Mu.Lock()
	if got := call.Final.From().DisplayName; got != "Caller 2000" {
		t.Errorf("the caller's 200 has From display name %q, want its own", got)
	}
	call.Mu.Unlock()
	call.AckAndBye(t)
	for _, m := range []*siptest.Agent{ms[0], second} {
		eventually(t, func() bool { _, cancels, _, _ := m.Counts(); return cancels == 1 })
		m.Mu.Lock()
		if h := m.Cancels[0].GetHeader("Reason"); h != nil {
			t.Errorf("%s: CANCEL with Reason %q; answered_elsewhere is off", m.Ext, h.Value())
		}
		m.Mu.Unlock()
	}
}

func tagOf(c *siptest.Call) string {
	tag, _ := c.Sess.InviteRequest.From().Params.Get("tag")
	return tag
}

// random_hunt and weighted_hunt over SIP: one member rings at a time, in
// the order drawn for the call; every member rings within the two steps.
func TestRandomHuntRingsEveryMemberInTurn(t *testing.T) {
	t.Parallel()
	for _, kind := range []strategy.Kind{strategy.RandomHunt, strategy.WeightedHunt} {
		r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
			Groups: []engine.GroupSpec{group("6000", kind, 10*time.Second, "1001", "1002")}})
		ms := registered(t, r, "1001", "1002")
		for _, m := range ms {
			m.SetBehaviour(siptest.RingForever)
		}
		call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
		eventually(t, func() bool {
			a, _, _, _ := ms[0].Counts()
			b, _, _, _ := ms[1].Counts()
			return a+b == 1
		})
		r.advance(10 * time.Second)
		for _, m := range ms {
			eventually(t, func() bool { n, _, _, _ := m.Counts(); return n == 1 })
		}
		r.advance(10 * time.Second)
		if code := call.Wait(t, 3*time.Second); code != 480 {
			t.Errorf("%v: no answer gave %d, want 480", kind, code)
		}
	}
}

// paging_headers: a device whose registered User-Agent matches a rule gets
// the rule's auto-answer headers instead of SPEC §3's pair; the others get
// the pair.
func TestPagingHeadersByUserAgent(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("8000", strategy.PagingIntercom, 2*time.Second, "1001", "1002")}},
		func(s *Settings) {
			s.PagingHeaders = []PagingHeaders{{UserAgent: regexp.MustCompile(`(?i)polycom`),
				Headers: []engine.Header{{Name: "Alert-Info", Value: "Auto Answer"}}}}
		})
	polycom, yealink := siptest.NewAgent(t, "1001"), siptest.NewAgent(t, "1002")
	for a, ua := range map[*siptest.Agent]string{polycom: "PolycomVVX-VVX_450-UA/6.4.3", yealink: "Yealink SIP-T46U 108.86.0.20"} {
		if res := a.Register(r.addr, "pw"+a.Ext, 600, sip.NewHeader("User-Agent", ua)); res.StatusCode != 200 {
			t.Fatalf("register %s: %d", a.Ext, res.StatusCode)
		}
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "8000")
	inv := polycom.WaitInvite(3 * time.Second)
	if got := inv.GetHeaders("Alert-Info"); len(got) != 1 || got[0].Value() != "Auto Answer" || inv.GetHeader("Call-Info") != nil {
		t.Errorf("Polycom's page leg: Alert-Info %v, Call-Info %v; want the rule's header only", got, inv.GetHeader("Call-Info"))
	}
	inv = yealink.WaitInvite(3 * time.Second)
	if h := inv.GetHeader("Call-Info"); h == nil || h.Value() != "<sip:ringd.local>;answer-after=0" {
		t.Errorf("Yealink's page leg: Call-Info %v; want SPEC §3's pair", h)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("page: %d", code)
	}
	call.AckAndBye(t)
}

// wrap_up over SIP: the member that answered is left out of the next
// call until its wrap-up is over, and the skip is counted in
// ringd_member_skips_total{group, reason="wrap_up"}.
func TestWrapUpSkipsAreCounted(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	g := group("6000", strategy.RingAll, 10*time.Second, "1001", "1002")
	g.WrapUp = 30 * time.Second
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "1002", "2000"), Groups: []engine.GroupSpec{g}}, Hooks{Metrics: reg})
	ms := registered(t, r, "1001", "1002")
	ms[1].SetBehaviour(siptest.RingForever)
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("first call: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { return r.ActiveCalls() == 0 && !r.busy("1001") })
	ms[0].SetBehaviour(siptest.RingForever)
	ctx, cancel := context.WithCancel(context.Background())
	call = caller.Dial(ctx, r.addr, "6000")
	eventually(t, func() bool { n, _, _, _ := ms[1].Counts(); return n == 2 })
	if n, _, _, _ := ms[0].Counts(); n != 1 {
		t.Errorf("1001 rang %d times; its wrap-up should have left it out", n)
	}
	eventually(t, func() bool {
		return counterValue(reg, "ringd_member_skips_total", map[string]string{"group": "6000", "reason": "wrap_up"}) == 1
	})
	cancel()
	call.Wait(t, 3*time.Second)
}
