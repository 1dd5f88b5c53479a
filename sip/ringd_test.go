package sip

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

// testRingd is a real ringd SIP server on 127.0.0.1 port 0, on a fake
// clock: ring times, SIP timers and prompts move only when the test
// advances it.
type testRingd struct {
	*Server
	addr  string // host:port of its UDP listener
	clock *clock.Fake
}

// testStart is when the fake clocks of the tests start: a Monday, 10:00 UTC.
var testStart = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// startRingd compiles spec and serves it. Extensions get password "pw"+number.
func startRingd(t testing.TB, spec engine.Spec, tune ...func(*Settings)) *testRingd {
	t.Helper()
	return startRingdWith(t, spec, Hooks{}, tune...)
}

// startRingdWith is startRingd with hooks (metrics, records).
func startRingdWith(t testing.TB, spec engine.Spec, hooks Hooks, tune ...func(*Settings)) *testRingd {
	t.Helper()
	if spec.Domain == "" {
		spec.Domain = "ringd.local"
	}
	snap, err := engine.Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	exts := map[string]Extension{}
	for _, e := range spec.Extensions {
		exts[e.Number] = Extension{Password: "pw" + e.Number}
	}
	st := Settings{
		Domain:     spec.Domain,
		Listen:     []transport.Listener{{Network: "udp", Addr: "127.0.0.1:0"}},
		Trusted:    []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Extensions: exts,
		Snapshot:   snap,
		Features:   FeatureCodes{Pickup: "*8", DirectedPickup: "**", DNDOn: "*78", DNDOff: "*79", Logout: "*45", Login: "*46"},
	}
	for _, f := range tune {
		f(&st)
	}
	clk, _ := hooks.Clock.(*clock.Fake)
	if clk == nil {
		clk = clock.NewFake(testStart)
		hooks.Clock = clk
	}
	srv, err := New(st, testLogger(), hooks)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	return &testRingd{Server: srv, addr: srv.Bound()[0].Addr, clock: clk}
}

func group(number string, kind strategy.Kind, ringTime time.Duration, members ...string) engine.GroupSpec {
	g := engine.GroupSpec{Number: number, Name: "Group " + number, Strategy: kind, RingTime: ringTime, SkipBusy: true}
	for _, m := range members {
		g.Members = append(g.Members, engine.MemberSpec{Extension: m})
	}
	return g
}

func exts(numbers ...string) []engine.ExtensionSpec {
	var out []engine.ExtensionSpec
	for _, n := range numbers {
		out = append(out, engine.ExtensionSpec{Number: n, Name: "Ext " + n})
	}
	return out
}

// registered starts one agent per extension and registers it at r.
func registered(t *testing.T, r *testRingd, numbers ...string) []*siptest.Agent {
	t.Helper()
	var out []*siptest.Agent
	for _, n := range numbers {
		a := siptest.NewAgent(t, n)
		if res := a.Register(r.addr, "pw"+n, 600); res.StatusCode != 200 {
			t.Fatalf("register %s: %d %s", n, res.StatusCode, res.Reason)
		}
		out = append(out, a)
	}
	return out
}

func TestRingAllWinnerGetsTheCallOthersGetCancel(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "1003", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001", "1002", "1003")},
	})
	ms := registered(t, r, "1001", "1002", "1003")
	ms[0].SetBehaviour(siptest.RingForever)
	ms[1].SetBehaviour(siptest.AnswerAfter(300 * time.Millisecond))
	ms[2].SetBehaviour(siptest.RingForever)
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 5*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 200 (responses %v)", code, call.Codes)
	}
	call.AckAndBye(t)
	for _, m := range []*siptest.Agent{ms[0], ms[2]} {
		eventually(t, func() bool { _, cancels, _, _ := m.Counts(); return cancels == 1 })
		m.Mu.Lock()
		if len(m.Cancels) != 1 {
			t.Errorf("%s got %d CANCELs, want 1", m.Ext, len(m.Cancels))
		} else if got := m.Cancels[0].GetHeader("Reason"); got == nil || got.Value() != `SIP;cause=200;text="Call completed elsewhere"` {
			t.Errorf("%s CANCEL Reason %v", m.Ext, got)
		}
		m.Mu.Unlock()
	}
	eventually(t, func() bool { invites, _, acks, byes := ms[1].Counts(); return invites == 1 && acks == 1 && byes == 1 })
	// The BYE through ringd ended the engine's call (its record is written)
	// and freed the member.
	eventually(t, func() bool { return r.ActiveCalls() == 0 && !r.busy("1002") })
}

// eventually waits (up to about 3 s of real time: the network's) for cond,
// then fails the test.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for range 600 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("condition not met within 3 s")
}

// testLogger is silent unless RINGD_TEST_LOG is set: ringd's goroutines may
// still log after a test ends, which testing's loggers do not allow.
func testLogger() *zap.Logger {
	if os.Getenv("RINGD_TEST_LOG") == "" {
		return zap.NewNop()
	}
	l, _ := zap.NewDevelopment()
	transport.RouteLibraryLogs(l)
	return l
}

// memberState is an extension's state as the engine sees it now.
func (r *testRingd) memberState(ext string) strategy.MemberState {
	q := &query{kind: qMember, ext: ext}
	r.ask(q)
	return q.state
}

// busy reports whether an extension is on a call.
func (r *testRingd) busy(ext string) bool {
	q := &query{kind: qBusy, ext: ext}
	r.ask(q)
	return q.busy
}

// settle waits until the driver has handled everything posted to it so
// far (a query queues behind it).
func (r *testRingd) settle() { r.ask(&query{kind: qConnected}) }

// advance moves ringd's clock by d once the driver has handled what
// came before, and returns once it has handled the deadlines that came:
// the first question may be answered in the loop turn that fires them,
// the second comes after it.
func (r *testRingd) advance(d time.Duration) {
	r.settle()
	r.clock.Advance(d)
	r.settle()
	r.settle()
}
