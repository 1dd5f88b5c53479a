package sip

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// testRingd is a real ringd SIP server on 127.0.0.1 port 0.
type testRingd struct {
	*Server
	addr string // host:port of its UDP listener
}

// startRingd compiles spec and serves it. Extensions get password "pw"+number.
func startRingd(t *testing.T, spec engine.Spec, tune ...func(*Settings)) *testRingd {
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
		Listen:     []Listener{{Network: "udp", Addr: "127.0.0.1:0"}},
		Trusted:    []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Extensions: exts,
		Snapshot:   snap,
	}
	for _, f := range tune {
		f(&st)
	}
	log := testLogger()
	srv, err := New(st, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	return &testRingd{Server: srv, addr: srv.Bound()[0].Addr}
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
func registered(t *testing.T, r *testRingd, numbers ...string) []*agent {
	t.Helper()
	var out []*agent
	for _, n := range numbers {
		a := newAgent(t, n)
		if res := a.register(r.addr, "pw"+n, 600); res.StatusCode != 200 {
			t.Fatalf("register %s: %d %s", n, res.StatusCode, res.Reason)
		}
		out = append(out, a)
	}
	return out
}

// outCall is a call placed by a caller agent through ringd.
type outCall struct {
	sess  *sipgo.DialogClientSession
	mu    sync.Mutex
	codes []int
	final *sip.Response
	err   error
	done  chan struct{}
}

// dial places a call from agent a (as extension a.ext) to number at ringd
// and waits for the answer in the background.
func (a *agent) dial(ctx context.Context, ringd, number string, headers ...sip.Header) *outCall {
	a.t.Helper()
	return a.dialWith(ctx, ringd, number, sipgo.AnswerOptions{}, headers...)
}

// dialWith is dial with answer options (digest credentials).
func (a *agent) dialWith(ctx context.Context, ringd, number string, opts sipgo.AnswerOptions, headers ...sip.Header) *outCall {
	a.t.Helper()
	host, port, _ := net.SplitHostPort(ringd)
	p, _ := strconv.Atoi(port)
	dc := sipgo.NewDialogClientCache(a.client, sip.ContactHeader{Address: a.contact()})
	from := &sip.FromHeader{DisplayName: "Caller " + a.ext, Address: sip.Uri{Scheme: "sip", User: a.ext, Host: "ringd.local"}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: number, Host: "ringd.local"}, Params: sip.NewParams()}
	hs := append([]sip.Header{from, to, sip.NewHeader("Content-Type", "application/sdp")}, headers...)
	sess, err := dc.Invite(context.Background(), sip.Uri{Scheme: "sip", User: number, Host: host, Port: p}, testSDP(a.port), hs...)
	if err != nil {
		a.t.Fatalf("INVITE %s: %v", number, err)
	}
	c := &outCall{sess: sess, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		opts.OnResponse = func(res *sip.Response) error {
			c.mu.Lock()
			c.codes = append(c.codes, res.StatusCode)
			if res.StatusCode >= 200 {
				c.final = res
			}
			c.mu.Unlock()
			return nil
		}
		err := sess.WaitAnswer(ctx, opts)
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
	}()
	return c
}

// wait returns the final response code (0 if none came within d).
func (c *outCall) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(d):
		t.Fatalf("no final response within %v (got %v)", d, c.codes)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var de *sipgo.ErrDialogResponse
	if c.final == nil && errors.As(c.err, &de) {
		return de.Res.StatusCode
	}
	if c.final == nil {
		return 0
	}
	return c.final.StatusCode
}

func (c *outCall) ackAndBye(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.sess.Ack(ctx); err != nil {
		t.Fatalf("ACK: %v", err)
	}
	if err := c.sess.Bye(ctx); err != nil {
		t.Fatalf("BYE: %v", err)
	}
}

func TestRingAllWinnerGetsTheCallOthersGetCancel(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{
		Extensions: exts("1001", "1002", "1003", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001", "1002", "1003")},
	})
	ms := registered(t, r, "1001", "1002", "1003")
	ms[0].setBehaviour(ringForever)
	ms[1].setBehaviour(answerAfter(300 * time.Millisecond))
	ms[2].setBehaviour(ringForever)
	caller := newAgent(t, "2000")
	call := caller.dial(context.Background(), r.addr, "6000")
	if code := call.wait(t, 5*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 200 (responses %v)", code, call.codes)
	}
	call.ackAndBye(t)
	for _, m := range []*agent{ms[0], ms[2]} {
		eventually(t, func() bool { _, cancels, _, _ := m.counts(); return cancels == 1 })
		m.mu.Lock()
		if len(m.cancels) != 1 {
			t.Errorf("%s got %d CANCELs, want 1", m.ext, len(m.cancels))
		} else if got := m.cancels[0].GetHeader("Reason"); got == nil || got.Value() != `SIP;cause=200;text="Call completed elsewhere"` {
			t.Errorf("%s CANCEL Reason %v", m.ext, got)
		}
		m.mu.Unlock()
	}
	eventually(t, func() bool { invites, _, acks, byes := ms[1].counts(); return invites == 1 && acks == 1 && byes == 1 })
	// The BYE through ringd ended the engine's call (its record is written)
	// and freed the member.
	eventually(t, func() bool { return r.ActiveCalls() == 0 && !r.dialogs.isBusy("1002") })
}

// eventually waits up to 3 s for cond, then fails the test with what it saw.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within 3 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testLogger is silent unless RINGD_TEST_LOG is set: ringd's goroutines may
// still log after a test ends, which testing's loggers do not allow.
func testLogger() *zap.Logger {
	if os.Getenv("RINGD_TEST_LOG") == "" {
		return zap.NewNop()
	}
	l, _ := zap.NewDevelopment()
	RouteLibraryLogs(l)
	return l
}
