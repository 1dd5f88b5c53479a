package sip

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

func TestPrioritizedHuntMovesOnAfterRingTime(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6001", strategy.PrioritizedHunt, time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.RingForever)
	ms[1].SetBehaviour(siptest.AnswerAfter(100 * time.Millisecond))
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6001")
	ms[0].WaitInvite(2 * time.Second)
	r.advance(999 * time.Millisecond)
	ms[1].NoInvite(50 * time.Millisecond) // m2 waits for m1's whole ring time
	r.advance(time.Millisecond)
	ms[1].WaitInvite(2 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d (%v), want 200", code, call.Codes)
	}
	eventually(t, func() bool { _, c, _, _ := ms[0].Counts(); return c == 1 })
	ms[0].Mu.Lock()
	if h := ms[0].Cancels[0].GetHeader("Reason"); h != nil {
		t.Errorf("a ring-time CANCEL carries no Reason, got %q", h.Value())
	}
	ms[0].Mu.Unlock()
	call.AckAndBye(t)
}

func TestEarlyFailureAdvancesTheHuntAtOnce(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6001", strategy.PrioritizedHunt, 10*time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.Refuse(486))
	ms[1].SetBehaviour(siptest.AnswerAfter(0))
	// ringd's clock does not move: the 486 advances the hunt at once.
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6001")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d (%v), want 200", code, call.Codes)
	}
	for _, c := range call.Codes {
		if c == 486 {
			t.Errorf("the member's 486 reached the caller: %v", call.Codes)
		}
	}
	call.AckAndBye(t)
}

func TestBusyMemberIsSkipped(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000", "2001"),
		Groups:     []engine.GroupSpec{group("6001", strategy.PrioritizedHunt, 5*time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	// 2000 calls 1001 directly through ringd: 1001 is now on a call.
	first := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "1001")
	if code := first.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("direct call got %d", code)
	}
	first.Ack(t)
	ms[0].WaitInvite(time.Second)
	// A call to the hunt group skips busy 1001 and rings 1002 first.
	second := siptest.NewAgent(t, "2001").Dial(context.Background(), r.addr, "6001")
	if code := second.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("group call got %d", code)
	}
	ms[1].WaitInvite(time.Second)
	ms[0].NoInvite(200 * time.Millisecond)
	second.AckAndBye(t)
	// Once 1001 hangs up it is free again: the next group call rings it first.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := first.Sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return !r.busy("1001") })
	third := siptest.NewAgent(t, "2001").Dial(context.Background(), r.addr, "6001")
	ms[0].WaitInvite(2 * time.Second)
	if code := third.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("third call got %d", code)
	}
	third.AckAndBye(t)
}

func TestNoAnswerFailsOverToAnExtension(t *testing.T) {
	t.Parallel()
	g := group("6000", strategy.RingAll, time.Second, "1001")
	g.OnNoAnswer = engine.DestinationSpec{Type: engine.DestExtension, Value: "1009"}
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1009", "2000"), Groups: []engine.GroupSpec{g}})
	ms := registered(t, r, "1001", "1009")
	ms[0].SetBehaviour(siptest.RingForever)
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second)
	r.advance(time.Second)
	inv := ms[1].WaitInvite(3 * time.Second)
	if d := inv.GetHeader("Diversion"); d == nil || d.Value() != "<sip:6000@ringd.local>;reason=no-answer" {
		t.Errorf("failover leg Diversion = %v", d)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 200 from the failover extension", code)
	}
	eventually(t, func() bool { _, c, _, _ := ms[0].Counts(); return c == 1 })
	call.AckAndBye(t)
}

func TestNobodyRegisteredGets480(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001", "1002")},
	})
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 480 {
		t.Fatalf("caller got %d, want 480", code)
	}
}

func TestCallerCancelGets487AndCancelsEveryLeg(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.RingForever)
	ms[1].SetBehaviour(siptest.RingForever)
	ctx, cancel := context.WithCancel(context.Background())
	call := siptest.NewAgent(t, "2000").Dial(ctx, r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second)
	ms[1].WaitInvite(2 * time.Second)
	eventually(t, func() bool { call.Mu.Lock(); defer call.Mu.Unlock(); return len(call.Codes) > 0 })
	cancel() // sipgo sends CANCEL once a provisional came
	select {
	case <-call.Done:
	case <-time.After(3 * time.Second):
		t.Fatal("cancelled call did not end")
	}
	for _, m := range ms {
		eventually(t, func() bool { _, c, _, _ := m.Counts(); return c == 1 })
	}
	// sipgo's WaitAnswer keeps the response to the cancelled INVITE here.
	if res := call.Sess.InviteResponse; res == nil || res.StatusCode != 487 {
		t.Fatalf("cancelled INVITE answered %v, want 487", res)
	}
}

// A member that has only sent 100 Trying is still cancelled when another
// answers (RFC 3261 §9.1: any provisional allows the CANCEL).
func TestLegThatOnlySentTryingIsCancelled(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001", "1002")},
	})
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.TryingOnly)
	ms[1].SetBehaviour(siptest.AnswerAfter(300 * time.Millisecond))
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 200", code)
	}
	eventually(t, func() bool { _, c, _, _ := ms[0].Counts(); return c == 1 })
	ms[0].Mu.Lock()
	reason := ms[0].Cancels[0].GetHeader("Reason")
	ms[0].Mu.Unlock()
	if reason == nil || reason.Value() != proxy.ReasonCompletedElsewhere {
		t.Errorf("CANCEL Reason = %v, want %s", reason, proxy.ReasonCompletedElsewhere)
	}
	call.AckAndBye(t)
}

func TestLegHeadersAreExactlyAsSpecWritesThem(t *testing.T) {
	t.Parallel()
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.Name, g.PAI, g.RPID, g.AlertInfo, g.ToExtension = "Sales", true, true, "Ring2", true
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g}})
	ms := registered(t, r, "1001")
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := ms[0].WaitInvite(2 * time.Second)
	want := map[string]string{
		"P-Asserted-Identity": `"Sales" <sip:6000@ringd.local>`,
		"Remote-Party-ID":     `"Sales" <sip:6000@ringd.local>;party=calling;screen=yes;privacy=off`,
		"Alert-Info":          `<http://www.notused>;info=Ring2`,
		"To":                  `<sip:1001@ringd.local>`,
	}
	for name, v := range want {
		if h := inv.GetHeader(name); h == nil || h.Value() != v {
			t.Errorf("%s = %v, want %s", name, h, v)
		}
	}
	if rr := inv.GetHeader("Record-Route"); rr == nil || !strings.Contains(rr.Value(), ";lr") {
		t.Errorf("Record-Route = %v", rr)
	}
	if mf := inv.MaxForwards(); mf == nil || mf.Val() != 69 {
		t.Errorf("Max-Forwards = %v, want 69", mf)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	// The caller sees its own To back, with the member's tag.
	call.Mu.Lock()
	to := call.Final.To()
	call.Mu.Unlock()
	if to.Address.User != "6000" || !to.Params.Has("tag") {
		t.Errorf("caller's 200 To = %s, want the dialled 6000 with a tag", to.Value())
	}
	call.AckAndBye(t)
}

func TestUnauthenticatedRegisterGets401AndNoBinding(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001"), Groups: []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001")}})
	a := siptest.NewAgent(t, "1001")
	res := a.Register(r.addr, "", 600)
	if res.StatusCode != 401 || res.GetHeader("WWW-Authenticate") == nil {
		t.Fatalf("REGISTER without credentials: %d, want 401 with a challenge", res.StatusCode)
	}
	if !strings.Contains(res.GetHeader("WWW-Authenticate").Value(), `realm="ringd.local"`) {
		t.Errorf("challenge %s", res.GetHeader("WWW-Authenticate").Value())
	}
	res = a.Register(r.addr, "wrong", 600)
	if res.StatusCode != 401 {
		t.Errorf("wrong password: %d, want 401", res.StatusCode)
	}
	if got := r.loc.Contacts("1001", r.clock.Now()); len(got) != 0 {
		t.Errorf("bindings after failed registrations: %v", got)
	}
	// Right password: bound; expires 0: unbound.
	if res := a.Register(r.addr, "pw1001", 600); res.StatusCode != 200 || len(r.loc.Contacts("1001", r.clock.Now())) != 1 {
		t.Fatalf("register: %d, %d contacts", res.StatusCode, len(r.loc.Contacts("1001", r.clock.Now())))
	}
	if res := a.Register(r.addr, "pw1001", 0); res.StatusCode != 200 || len(r.loc.Contacts("1001", r.clock.Now())) != 0 {
		t.Fatalf("un-register: %d, %d contacts left", res.StatusCode, len(r.loc.Contacts("1001", r.clock.Now())))
	}
}

func TestUntrustedCallerMustAuthenticate(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")},
	}, func(s *Settings) { s.Trusted = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
	registered(t, r, "1001")
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 407 {
		t.Fatalf("unauthenticated INVITE got %d, want 407", code)
	}
	// With the extension's credentials the call goes through.
	call = caller.DialWith(context.Background(), r.addr, "6000", sipgo.AnswerOptions{Username: "2000", Password: "pw2000"})
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("authenticated INVITE got %d (%v), want 200", code, call.Codes)
	}
	call.AckAndBye(t)
}

func TestRequestChecksRefuseBeforeRouting(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001"), Groups: []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001")}})
	ms := registered(t, r, "1001")
	a := siptest.NewAgent(t, "2000")
	send := func(mutate func(*sip.Request)) int {
		t.Helper()
		req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "6000", Host: "127.0.0.1", Port: portOf(r.addr)})
		mutate(req)
		req.SetDestination(r.addr) // only ever loopback, whatever the Request-URI or Route say
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		res, err := a.Client.Do(ctx, req)
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		return res.StatusCode
	}
	if code := send(func(r *sip.Request) { mf := sip.MaxForwardsHeader(0); r.AppendHeader(&mf) }); code != 483 {
		t.Errorf("Max-Forwards 0: %d, want 483", code)
	}
	if code := send(func(r *sip.Request) { r.Recipient.Host = "example.com" }); code != 403 {
		t.Errorf("foreign domain: %d, want 403", code)
	}
	if code := send(func(r *sip.Request) { r.AppendHeader(sip.NewHeader("Proxy-Require", "foo")) }); code != 420 {
		t.Errorf("Proxy-Require: %d, want 420", code)
	}
	if code := send(func(r *sip.Request) {
		r.AppendHeader(&sip.RouteHeader{Address: sip.Uri{Scheme: "sip", Host: "10.9.9.9", Port: 5060, UriParams: sip.HeaderParams{{K: "lr"}}}})
	}); code != 403 {
		t.Errorf("preloaded foreign Route: %d, want 403", code)
	}
	if code := send(func(r *sip.Request) { r.Recipient.User = "9999" }); code != 404 {
		t.Errorf("unknown number: %d, want 404", code)
	}
	// The classic open-relay probes: the member's own address as the
	// Request-URI, or as a preloaded Route. Neither may reach the member.
	member := ms[0].Contact()
	if code := send(func(r *sip.Request) { r.Recipient = member }); code != 403 {
		t.Errorf("Request-URI naming the member's address: %d, want 403", code)
	}
	if code := send(func(r *sip.Request) {
		r.AppendHeader(&sip.RouteHeader{Address: sip.Uri{Scheme: "sip", Host: member.Host, Port: member.Port, UriParams: sip.HeaderParams{{K: "lr"}}}})
	}); code != 403 {
		t.Errorf("preloaded Route to the member: %d, want 403", code)
	}
	ms[0].NoInvite(100 * time.Millisecond)
}

func portOf(addr string) int {
	ap := netip.MustParseAddrPort(addr)
	return int(ap.Port())
}

func TestCallerOverTCP(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")},
	}, func(s *Settings) {
		s.Listen = append(s.Listen, transport.Listener{Network: "tcp", Addr: "127.0.0.1:0"})
	})
	ms := registered(t, r, "1001")
	var tcp string
	for _, b := range r.Bound() {
		if b.Network == "tcp" {
			tcp = b.Addr
		}
	}
	caller := siptest.NewAgent(t, "2000")
	params := sip.NewParams()
	params.Add("transport", "tcp")
	dc := sipgo.NewDialogClientCache(caller.Client, sip.ContactHeader{Address: caller.Contact()})
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "2000", Host: "ringd.local"}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	sess, err := dc.Invite(context.Background(),
		sip.Uri{Scheme: "sip", User: "6000", Host: "127.0.0.1", Port: portOf(tcp), UriParams: params},
		siptest.SDP(caller.Port), from, sip.NewHeader("Content-Type", "application/sdp"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sess.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatalf("call over TCP: %v", err)
	}
	if inv := ms[0].WaitInvite(time.Second); inv.Via().Transport != "UDP" {
		t.Errorf("member leg over %s, want UDP (its contact)", inv.Via().Transport)
	}
	if err := sess.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sess.Bye(ctx); err != nil {
		t.Fatalf("BYE: %v", err)
	}
	eventually(t, func() bool { _, _, acks, byes := ms[0].Counts(); return acks == 1 && byes == 1 })
}

func TestNoAgentFailsOverToTheTrunkWithDiversion(t *testing.T) {
	t.Parallel()
	trunk := siptest.NewAgent(t, "trunk")
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.OnNoAgent = engine.DestinationSpec{Type: engine.DestExternalNum, Value: "5551234", Prefix: "9"}
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g},
		Services: map[engine.DestType]string{engine.DestExternalNum: "sip:{number}@127.0.0.1:" + strconv.Itoa(trunk.Port)}})
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := trunk.WaitInvite(2 * time.Second)
	if inv.Recipient.User != "95551234" {
		t.Errorf("trunk got Request-URI %s, want user 95551234 (prefix + number)", inv.Recipient.String())
	}
	if d := inv.GetHeader("Diversion"); d == nil || d.Value() != "<sip:6000@ringd.local>;reason=unavailable" {
		t.Errorf("Diversion = %v", d)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want the trunk's 200", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, acks, byes := trunk.Counts(); return acks == 1 && byes == 1 })
}

func TestApplyChangesRoutingOfTheNextCall(t *testing.T) {
	t.Parallel()
	spec := engine.Spec{
		Domain:     "ringd.local",
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")},
	}
	r := startRingd(t, spec)
	ms := registered(t, r, "1001", "1002")
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("first call got %d", code)
	}
	call.AckAndBye(t)

	spec.Groups = []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1002")}
	st := *r.settings.Load()
	snap, err := engine.Compile(spec, st.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	st.Snapshot = snap
	r.Apply(st)
	call = siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	ms[1].WaitInvite(2 * time.Second)
	ms[0].NoInvite(200 * time.Millisecond)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call after Apply got %d", code)
	}
	call.AckAndBye(t)
}
