package sip

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	sipgosip "github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// dialogInfo is what a test reads of a dialog-info+xml document.
type dialogInfo struct {
	Version string `xml:"version,attr"`
	State   string `xml:"state,attr"`
	Entity  string `xml:"entity,attr"`
	Dialogs []struct {
		CallID    string `xml:"call-id,attr"`
		LocalTag  string `xml:"local-tag,attr"`
		RemoteTag string `xml:"remote-tag,attr"`
		Direction string `xml:"direction,attr"`
		State     string `xml:"state"`
	} `xml:"dialog"`
}

// newestNotify parses the NOTIFY of a with the highest CSeq (the agent
// handles each on a goroutine of its own: they may be kept out of
// order); ok is false before the first.
func newestNotify(t *testing.T, a *siptest.Agent) (di dialogInfo, req *sipgosip.Request, ok bool) {
	t.Helper()
	a.Mu.Lock()
	for _, n := range a.Notifies {
		if req == nil || n.CSeq().SeqNo > req.CSeq().SeqNo {
			req = n
		}
	}
	a.Mu.Unlock()
	if req == nil {
		return di, nil, false
	}
	if err := xml.Unmarshal(req.Body(), &di); err != nil {
		t.Fatalf("NOTIFY CSeq %d body %q: %v", req.CSeq().SeqNo, req.Body(), err)
	}
	if ct := req.GetHeader("Content-Type"); ct == nil || ct.Value() != "application/dialog-info+xml" {
		t.Errorf("NOTIFY CSeq %d Content-Type %v", req.CSeq().SeqNo, ct)
	}
	return di, req, true
}

// lastNotify waits until a has n NOTIFYs and parses the newest.
func lastNotify(t *testing.T, a *siptest.Agent, n int) (dialogInfo, *sipgosip.Request) {
	t.Helper()
	eventually(t, func() bool { return len(a.NotifyBodies()) >= n })
	di, req, _ := newestNotify(t, a)
	return di, req
}

// waitEarly waits for a NOTIFY showing one early dialog and returns it.
func waitEarly(t *testing.T, w *siptest.Agent) dialogInfo {
	t.Helper()
	var early dialogInfo
	eventually(t, func() bool {
		di, _, ok := newestNotify(t, w)
		early = di
		return ok && len(di.Dialogs) == 1 && di.Dialogs[0].State == "early"
	})
	return early
}

func subState(req *sipgosip.Request) string {
	if h := req.GetHeader("Subscription-State"); h != nil {
		return h.Value()
	}
	return ""
}

// BLF: a subscriber watching 1001 hears it idle, ringing (early, with the
// Call-ID and tags a pickup needs), on the call (confirmed), idle again;
// then it unsubscribes.
func TestBLFNotifiesRingingConfirmedIdle(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 30*time.Second, "1001")}})
	m := registered(t, r, "1001")[0]
	answer := make(chan struct{})
	m.SetBehaviour(siptest.AnswerWhen(answer))
	w := siptest.NewAgent(t, "1002")
	sub := w.Subscribe(r.addr, "pw1002", "1001", 600)
	if sub.Res.StatusCode != 200 || sub.Res.GetHeader("Expires").Value() != "600" || toTagOf(sub.Res) == "" {
		t.Fatalf("SUBSCRIBE: %d %v", sub.Res.StatusCode, sub.Res.GetHeader("Expires"))
	}
	idle, req := lastNotify(t, w, 1)
	if len(idle.Dialogs) != 0 || idle.State != "full" || idle.Entity != "sip:1001@ringd.local" || idle.Version != "0" ||
		!strings.HasPrefix(subState(req), "active;expires=") || req.GetHeader("Event").Value() != "dialog" {
		t.Fatalf("first NOTIFY: %+v, Subscription-State %q", idle, subState(req))
	}

	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	inv := m.WaitInvite(2 * time.Second)
	early := waitEarly(t, w)
	d := early.Dialogs[0]
	fromTag, _ := inv.From().Params.Get("tag")
	m.Mu.Lock()
	memberTag := m.Tags[inv.CallID().Value()]
	m.Mu.Unlock()
	if d.CallID != inv.CallID().Value() || d.RemoteTag != fromTag || d.LocalTag != memberTag || d.Direction != "recipient" {
		t.Errorf("early dialog %+v; want call-id %s, remote-tag %s (the caller's), local-tag %s (1001's)", d, inv.CallID().Value(), fromTag, memberTag)
	}

	close(answer)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	eventually(t, func() bool {
		di, _, ok := newestNotify(t, w)
		return ok && len(di.Dialogs) == 1 && di.Dialogs[0].State == "confirmed"
	})
	call.AckAndBye(t)
	eventually(t, func() bool {
		di, _, ok := newestNotify(t, w)
		return ok && len(di.Dialogs) == 0
	})
	n := len(w.NotifyBodies())
	if res := w.Refresh(sub, "pw1002", 0, 2); res.StatusCode != 200 {
		t.Fatalf("unsubscribe: %d", res.StatusCode)
	}
	_, last := lastNotify(t, w, n+1)
	if got := subState(last); !strings.HasPrefix(got, "terminated") {
		t.Errorf("last NOTIFY Subscription-State %q", got)
	}
	if res := w.Refresh(sub, "pw1002", 600, 3); res.StatusCode != 481 {
		t.Errorf("refresh after unsubscribing: %d, want 481", res.StatusCode)
	}
	// Each NOTIFY's 200 ended its transaction (an unanswered one is sent
	// again for 32 s), and no CSeq came twice.
	r.advance(6 * time.Second) // past Timer K of the answered ones
	q := &query{kind: qPending}
	r.ask(q)
	if q.n != 0 {
		t.Errorf("%d of ringd's requests still wait for an answer", q.n)
	}
	w.Mu.Lock()
	defer w.Mu.Unlock()
	seen := map[uint32]bool{}
	for _, n := range w.Notifies {
		if c := n.CSeq().SeqNo; seen[c] {
			t.Errorf("NOTIFY CSeq %d came twice", c)
		}
		seen[n.CSeq().SeqNo] = true
	}
}

// SUBSCRIBE refusals: no credentials (401), another package (489), an
// unknown extension (404), too short (423 with Min-Expires); a
// subscription not refreshed ends with a last NOTIFY.
func TestBLFRefusalsAndExpiry(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002")})
	w := siptest.NewAgent(t, "1002")
	if res := w.Subscribe(r.addr, "", "1001", 600).Res; res.StatusCode != 401 || res.GetHeader("WWW-Authenticate") == nil {
		t.Errorf("without credentials: %d", res.StatusCode)
	}
	if res := w.Subscribe(r.addr, "pw1002", "4444", 600).Res; res.StatusCode != 404 {
		t.Errorf("unknown extension: %d", res.StatusCode)
	}
	if res := w.Subscribe(r.addr, "pw1002", "1001", 30).Res; res.StatusCode != 423 || res.GetHeader("Min-Expires").Value() != "60" {
		t.Errorf("30 s: %d", res.StatusCode)
	}
	if res := w.SubscribeEvent(r.addr, "pw1002", "1001", "presence", 600).Res; res.StatusCode != 489 || res.GetHeader("Allow-Events") == nil {
		t.Errorf("presence: %d", res.StatusCode)
	}
	sub := w.Subscribe(r.addr, "pw1002", "1001", 60)
	if sub.Res.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %d", sub.Res.StatusCode)
	}
	n := len(w.NotifyBodies())
	r.advance(62 * time.Second)
	for i := 0; i < 3; i++ {
		r.advance(time.Second)
	}
	eventually(t, func() bool {
		w.Mu.Lock()
		defer w.Mu.Unlock()
		for _, b := range w.Notifies[n:] {
			if strings.HasPrefix(subState(b), "terminated;reason=timeout") {
				return true
			}
		}
		return false
	})
}

func toTagOf(res *sipgosip.Response) string {
	tag, _ := res.To().Params.Get("tag")
	return tag
}

// A phone picks up from its BLF key: an INVITE with Replaces built from
// the early dialog of the NOTIFY (to-tag = remote-tag, from-tag =
// local-tag, RFC 3891 as the package doc says) takes the call.
func TestBLFPickupWithReplacesFromTheNotify(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 30*time.Second, "1001")}})
	m := registered(t, r, "1001")[0]
	m.SetBehaviour(siptest.RingForever)
	w := siptest.NewAgent(t, "1002")
	if res := w.Subscribe(r.addr, "pw1002", "1001", 600).Res; res.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %d", res.StatusCode)
	}
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	m.WaitInvite(2 * time.Second)
	early := waitEarly(t, w)
	d := early.Dialogs[0]
	replaces := sipgosip.NewHeader("Replaces", d.CallID+";to-tag="+d.RemoteTag+";from-tag="+d.LocalTag)
	pc := w.Dial(context.Background(), r.addr, "1001", replaces)
	if code := pc.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("picker: %d", code)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller: %d", code)
	}
	eventually(t, func() bool { m.Mu.Lock(); defer m.Mu.Unlock(); return len(m.Cancels) == 1 })
	pc.AckAndBye(t)
	call.Ack(t)
	eventually(t, func() bool { _, _, _, byes := caller.Counts(); return byes == 1 })
}
