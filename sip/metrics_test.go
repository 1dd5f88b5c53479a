package sip

import (
	"context"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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
	// Label sets: the series of every group are there from start (at 0),
	// and no others appeared. Only 6002 connected a member of its own:
	// 6000's call was answered by its failover extension, outside the
	// group (outcome no_answer), so only 6002's histogram has a sample.
	for name, want := range map[string]int{
		"ringd_calls_total":         18, // 3 groups x 6 outcomes
		"ringd_failovers_total":     9,  // 3 groups x 3 reasons, each with its group's destination type
		"ringd_members":             12, // 3 groups x 4 states
		"ringd_call_answer_seconds": 3} {
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
		if mf.GetName() == "ringd_call_answer_seconds" {
			for _, m := range mf.GetMetric() {
				want := uint64(0)
				if m.GetLabel()[0].GetValue() == "6002" {
					want = 1
				}
				if n := m.GetHistogram().GetSampleCount(); n != want {
					t.Errorf("ringd_call_answer_seconds%v: %d samples, want %d", m.GetLabel(), n, want)
				}
			}
		}
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

// Every metric family of SPEC §9 (and the other ringd_ families) is
// exported by an idle ringd before any SIP request, with at least one
// series: counters at 0 for their known label values and for every
// group of the configuration, so a fresh dashboard has no empty panel.
func TestEveryFamilyFromStart(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	fo := group("6000", strategy.RingAll, time.Second, "1001", "1002")
	fo.OnNoAnswer = engine.DestinationSpec{Type: engine.DestExtension, Value: "1002"}
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002"),
		Groups:     []engine.GroupSpec{fo, group("6001", strategy.RingAll, time.Second, "1001")},
	}, Hooks{Metrics: reg})
	families := []string{"ringd_calls_total", "ringd_call_answer_seconds", "ringd_legs_total", "ringd_active_calls",
		"ringd_ringing_legs", "ringd_members", "ringd_failovers_total", "ringd_registrations",
		"ringd_sip_requests_total", "ringd_sip_responses_total", "ringd_sip_rejected_total",
		"ringd_route_decision_seconds", "ringd_member_skips_total", "ringd_pickups_total", "ringd_bans_total",
		"ringd_banned_sources", "ringd_sip_auth_failures_total", "ringd_sip_sources_evicted_total", "go_goroutines", "process_cpu_seconds_total"}
	eventually(t, func() bool { return seriesCount(reg, "ringd_members") == 8 })
	for _, name := range families {
		if seriesCount(reg, name) == 0 {
			t.Errorf("%s has no series before the first request", name)
		}
	}
	// Per group: every outcome, leg result and skip reason, the answer
	// time, active calls, and each failover reason with its destination.
	for _, g := range []string{"6000", "6001"} {
		for _, o := range []string{"answered", "no_answer", "no_agent", "abandoned", "out_of_schedule", "failed"} {
			if !hasSeries(reg, "ringd_calls_total", map[string]string{"group": g, "outcome": o}) {
				t.Errorf("ringd_calls_total{group=%s,outcome=%s} missing", g, o)
			}
		}
		for _, r := range []string{"answered", "cancelled", "busy", "no_answer", "failed"} {
			if !hasSeries(reg, "ringd_legs_total", map[string]string{"group": g, "result": r}) {
				t.Errorf("ringd_legs_total{group=%s,result=%s} missing", g, r)
			}
		}
		for _, r := range []string{"wrap_up", "reject_cooldown"} {
			if !hasSeries(reg, "ringd_member_skips_total", map[string]string{"group": g, "reason": r}) {
				t.Errorf("ringd_member_skips_total{group=%s,reason=%s} missing", g, r)
			}
		}
		for _, name := range []string{"ringd_active_calls", "ringd_call_answer_seconds"} {
			if !hasSeries(reg, name, map[string]string{"group": g}) {
				t.Errorf("%s{group=%s} missing", name, g)
			}
		}
	}
	for _, l := range []map[string]string{
		{"group": "6000", "reason": "no_answer", "dest": "extension"},
		{"group": "6000", "reason": "no_agent", "dest": "end_call"},
		{"group": "6001", "reason": "no_answer", "dest": "end_call"},
		{"group": "6001", "reason": "out_of_schedule", "dest": "end_call"},
	} {
		if !hasSeries(reg, "ringd_failovers_total", l) {
			t.Errorf("ringd_failovers_total%v missing", l)
		}
	}
	for name, values := range map[string][]string{
		"ringd_sip_requests_total":  {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "OTHER"},
		"ringd_sip_responses_total": {"100", "180", "200", "480", "486", "487"},
		"ringd_sip_rejected_total":  {"malformed", "max_forwards", "banned", "flood", "scanner", "oversize", "connections", "overload"},
		"ringd_pickups_total":       {"group", "directed", "replaces"},
		"ringd_bans_total":          {"flood", "auth_failures"},
	} {
		for _, v := range values {
			var label string
			switch name {
			case "ringd_sip_requests_total":
				label = "method"
			case "ringd_sip_responses_total":
				label = "code"
			case "ringd_pickups_total":
				label = "kind"
			default:
				label = "reason"
			}
			if !hasSeries(reg, name, map[string]string{label: v}) {
				t.Errorf("%s{%s=%q} missing", name, label, v)
			}
		}
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}

	// A group a reload adds has its series as soon as the reload is
	// applied, and a changed failover destination its new series.
	added := group("6002", strategy.RingAll, time.Second, "1002")
	fo.OnNoAnswer = engine.DestinationSpec{Type: engine.DestRingGroup, Value: "6002"}
	st := *r.settings.Load()
	snap, err := engine.Compile(engine.Spec{Domain: "ringd.local", Extensions: exts("1001", "1002"),
		Groups: []engine.GroupSpec{fo, group("6001", strategy.RingAll, time.Second, "1001"), added}}, st.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	st.Snapshot = snap
	r.Apply(st)
	eventually(t, func() bool {
		return hasSeries(reg, "ringd_calls_total", map[string]string{"group": "6002", "outcome": "no_agent"}) &&
			hasSeries(reg, "ringd_legs_total", map[string]string{"group": "6002", "result": "cancelled"}) &&
			hasSeries(reg, "ringd_failovers_total", map[string]string{"group": "6000", "reason": "no_answer", "dest": "ring_group"})
	})
}

// hasSeries reports whether the family name has a series with exactly
// these labels.
func hasSeries(reg *prometheus.Registry, name string, labels map[string]string) bool {
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			ok := true
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
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
