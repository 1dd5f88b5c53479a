package sip

import (
	"context"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// TestMetricsAfterScriptedCalls places one call of each outcome through a
// real ringd and checks the exact values and label sets of SPEC §9.
func TestMetricsAfterScriptedCalls(t *testing.T) {
	reg := prometheus.NewRegistry()
	noAnswer := group("6000", strategy.RingAll, time.Second, "1001")
	noAnswer.OnNoAnswer = engine.DestinationSpec{Type: engine.DestExtension, Value: "1009"}
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002", "1009", "2000"),
		Groups: []engine.GroupSpec{
			noAnswer,
			group("6001", strategy.RingAll, time.Second, "1002"), // 1002 never registers: no agent
			group("6002", strategy.RingAll, 5*time.Second, "1001"),
		},
	}, Hooks{Metrics: reg})
	ms := registered(t, r, "1001", "1009")
	caller := siptest.NewAgent(t, "2000")

	// answered
	call := caller.Dial(context.Background(), r.addr, "6002")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("answered call: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { return r.memberState("1001")&strategy.Busy == 0 })
	// no answer in 6000, then the failover extension answers
	ms[0].SetBehaviour(siptest.RingForever)
	call = caller.Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second) // the first call's, then this one's
	ms[0].WaitInvite(2 * time.Second)
	r.advance(time.Second)
	if code := call.Wait(t, 4*time.Second); code != 200 {
		t.Fatalf("failover call: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { return r.memberState("1009")&strategy.Busy == 0 })
	// nobody available in 6001
	if code := caller.Dial(context.Background(), r.addr, "6001").Wait(t, 3*time.Second); code != 480 {
		t.Fatalf("no-agent call: %d", code)
	}
	// abandoned: the caller cancels while 1001 rings
	ctx, cancel := context.WithCancel(context.Background())
	call = caller.Dial(ctx, r.addr, "6002")
	ms[0].WaitInvite(2 * time.Second)
	eventually(t, func() bool { call.Mu.Lock(); defer call.Mu.Unlock(); return len(call.Codes) > 0 })
	cancel()
	<-call.Done
	// a request refused before routing
	mf := sip.MaxForwardsHeader(0)
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "6002", Host: "127.0.0.1", Port: portOf(r.addr)})
	req.AppendHeader(&mf)
	req.SetDestination(r.addr)
	rctx, rcancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer rcancel()
	if res, err := caller.Client.Do(rctx, req); err != nil || res.StatusCode != 483 {
		t.Fatalf("Max-Forwards 0: %v %v", res, err)
	}
	eventually(t, func() bool { return r.ActiveCalls() == 0 })
	// A response is counted once sent: the client may read it first.
	eventually(t, func() bool {
		return counterValue(reg, "ringd_sip_responses_total", map[string]string{"code": "483"}) == 1
	})

	exact := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"ringd_calls_total", map[string]string{"group": "6002", "outcome": "answered"}, 1},
		{"ringd_calls_total", map[string]string{"group": "6000", "outcome": "no_answer"}, 1},
		{"ringd_calls_total", map[string]string{"group": "6001", "outcome": "no_agent"}, 1},
		{"ringd_calls_total", map[string]string{"group": "6002", "outcome": "abandoned"}, 1},
		{"ringd_legs_total", map[string]string{"group": "6002", "result": "answered"}, 1},
		{"ringd_legs_total", map[string]string{"group": "6002", "result": "cancelled"}, 1},
		{"ringd_legs_total", map[string]string{"group": "6000", "result": "no_answer"}, 1},
		{"ringd_failovers_total", map[string]string{"group": "6000", "reason": "no_answer", "dest": "extension"}, 1},
		{"ringd_failovers_total", map[string]string{"group": "6001", "reason": "no_agent", "dest": "end_call"}, 1},
		{"ringd_active_calls", map[string]string{"group": "6002"}, 0},
		{"ringd_ringing_legs", nil, 0},
		{"ringd_members", map[string]string{"group": "6000", "state": "available"}, 1},
		{"ringd_members", map[string]string{"group": "6001", "state": "offline"}, 1},
		{"ringd_sip_requests_total", map[string]string{"method": "INVITE"}, 5},
		{"ringd_sip_requests_total", map[string]string{"method": "REGISTER"}, 4},
		{"ringd_sip_requests_total", map[string]string{"method": "BYE"}, 2},
		{"ringd_sip_requests_total", map[string]string{"method": "CANCEL"}, 1},
		{"ringd_sip_responses_total", map[string]string{"code": "487"}, 1},
		{"ringd_sip_responses_total", map[string]string{"code": "480"}, 1},
		{"ringd_sip_responses_total", map[string]string{"code": "483"}, 1},
		{"ringd_sip_rejected_total", map[string]string{"reason": "max_forwards"}, 1},
		{"ringd_registrations", nil, 2},
	}
	for _, e := range exact {
		if got := counterValue(reg, e.name, e.labels); got != e.want {
			t.Errorf("%s%v = %v, want %v", e.name, e.labels, got, e.want)
		}
	}
	// Label sets: the counters carry exactly these series. Only 6002
	// connected a member of its own: 6000's call was answered by its
	// failover extension, outside the group (outcome no_answer).
	for name, want := range map[string]int{"ringd_calls_total": 4, "ringd_failovers_total": 2,
		"ringd_members":             12, // 3 groups x 4 states
		"ringd_call_answer_seconds": 1} {
		if n := seriesCount(reg, name); n != want {
			t.Errorf("%s has %d series, want %d", name, n, want)
		}
	}
	// Every name of SPEC §9 is registered, and the registry lints clean.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, mf := range mfs {
		have[mf.GetName()] = true
	}
	for _, name := range []string{"ringd_calls_total", "ringd_call_answer_seconds", "ringd_legs_total", "ringd_active_calls",
		"ringd_ringing_legs", "ringd_members", "ringd_failovers_total", "ringd_registrations", "ringd_sip_requests_total",
		"ringd_sip_responses_total", "ringd_sip_rejected_total", "ringd_route_decision_seconds"} {
		if !have[name] {
			t.Errorf("%s is not exported", name)
		}
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "ringd_route_decision_seconds" && mf.GetMetric()[0].GetHistogram().GetSampleCount() != 4 {
			t.Errorf("route decisions observed: %d, want 4", mf.GetMetric()[0].GetHistogram().GetSampleCount())
		}
	}
}

// ringd_members is there from the start, before any SIP request: a scrape
// of an idle ringd shows every member offline, not nothing.
func TestMembersGaugeBeforeAnyRequest(t *testing.T) {
	reg := prometheus.NewRegistry()
	startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001", "1002")},
	}, Hooks{Metrics: reg})
	eventually(t, func() bool {
		return counterValue(reg, "ringd_members", map[string]string{"group": "6000", "state": "offline"}) == 2
	})
	if n := seriesCount(reg, "ringd_members"); n != 4 {
		t.Errorf("ringd_members has %d series before any request, want 4 (one group x 4 states)", n)
	}
}

// seriesCount is how many series the metric family name has.
func seriesCount(reg *prometheus.Registry, name string) int {
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}
