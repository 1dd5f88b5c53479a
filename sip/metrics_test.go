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
	ms[0].WaitInvite(2 * time.Second) // the failover's INVITE was answered; this is 6002's
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
	m := r.metrics
	// A response is counted once sent: the client may read it first.
	eventually(t, func() bool { return testutil.ToFloat64(m.responses.WithLabelValues("483")) == 1 })

	exact := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{`calls_total{6002,answered}`, m.calls.WithLabelValues("6002", "answered"), 1},
		{`calls_total{6000,no_answer}`, m.calls.WithLabelValues("6000", "no_answer"), 1},
		{`calls_total{6001,no_agent}`, m.calls.WithLabelValues("6001", "no_agent"), 1},
		{`calls_total{6002,abandoned}`, m.calls.WithLabelValues("6002", "abandoned"), 1},
		{`legs_total{6002,answered}`, m.legs.WithLabelValues("6002", "answered"), 1},
		{`legs_total{6002,cancelled}`, m.legs.WithLabelValues("6002", "cancelled"), 1},
		{`legs_total{6000,no_answer}`, m.legs.WithLabelValues("6000", "no_answer"), 1},
		{`failovers_total{6000,no_answer,extension}`, m.failovers.WithLabelValues("6000", "no_answer", "extension"), 1},
		{`failovers_total{6001,no_agent,end_call}`, m.failovers.WithLabelValues("6001", "no_agent", "end_call"), 1},
		{`active_calls{6002}`, m.activeCalls.WithLabelValues("6002"), 0},
		{`ringing_legs`, m.ringingLegs, 0},
		{`members{6000,available}`, m.members.WithLabelValues("6000", "available"), 1},
		{`members{6001,offline}`, m.members.WithLabelValues("6001", "offline"), 1},
		{`sip_requests_total{INVITE}`, m.requests.WithLabelValues("INVITE"), 5},
		{`sip_requests_total{REGISTER}`, m.requests.WithLabelValues("REGISTER"), 4},
		{`sip_requests_total{BYE}`, m.requests.WithLabelValues("BYE"), 2},
		{`sip_requests_total{CANCEL}`, m.requests.WithLabelValues("CANCEL"), 1},
		{`sip_responses_total{487}`, m.responses.WithLabelValues("487"), 1},
		{`sip_responses_total{480}`, m.responses.WithLabelValues("480"), 1},
		{`sip_responses_total{483}`, m.responses.WithLabelValues("483"), 1},
		{`sip_rejected_total{max_forwards}`, m.rejected.WithLabelValues("max_forwards"), 1},
	}
	for _, e := range exact {
		if got := testutil.ToFloat64(e.c); got != e.want {
			t.Errorf("ringd_%s = %v, want %v", e.name, got, e.want)
		}
	}
	// Label sets: the counters carry exactly these series.
	if n := testutil.CollectAndCount(m.calls); n != 4 {
		t.Errorf("ringd_calls_total has %d series, want 4", n)
	}
	if n := testutil.CollectAndCount(m.failovers); n != 2 {
		t.Errorf("ringd_failovers_total has %d series, want 2", n)
	}
	if n := testutil.CollectAndCount(m.members); n != 12 { // 3 groups x 4 states
		t.Errorf("ringd_members has %d series, want 12", n)
	}
	// Only 6002 connected a member of its own: 6000's call was answered by
	// its failover extension, outside the group (outcome no_answer).
	if n := testutil.CollectAndCount(m.answerSeconds); n != 1 {
		t.Errorf("ringd_call_answer_seconds has %d series, want 1", n)
	}
	if got := testutil.ToFloat64(registrationsGauge(r.Server)); got != 2 {
		t.Errorf("ringd_registrations = %v, want 2", got)
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
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001", "1002")},
	}, Hooks{Metrics: reg})
	m := r.metrics
	eventually(t, func() bool { return testutil.ToFloat64(m.members.WithLabelValues("6000", "offline")) == 2 })
	if n := testutil.CollectAndCount(m.members); n != 4 {
		t.Errorf("ringd_members has %d series before any request, want 4 (one group x 4 states)", n)
	}
}
