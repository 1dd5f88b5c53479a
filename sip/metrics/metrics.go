// Package metrics holds ringd's Prometheus collectors of the SIP side
// (SPEC §9), all in one place, registered together. The driver feeds them
// from engine actions and records; the transports and handlers from SIP
// events - never the engine itself. Labels are bounded: group numbers,
// outcomes and results, SIP methods and codes. A nil *Metrics counts
// nothing.
//
// It imports Prometheus, engine and strategy, and nothing of the SIP side.
package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// Metrics are the collectors.
type Metrics struct {
	calls         *prometheus.CounterVec   // group, outcome
	answerSeconds *prometheus.HistogramVec // group
	legs          *prometheus.CounterVec   // group, result
	activeCalls   *prometheus.GaugeVec     // group
	ringingLegs   prometheus.Gauge
	members       *prometheus.GaugeVec   // group, state
	failovers     *prometheus.CounterVec // group, reason, dest
	skips         *prometheus.CounterVec // group, reason
	pickups       *prometheus.CounterVec // kind
	requests      *prometheus.CounterVec // method
	responses     *prometheus.CounterVec // code
	rejected      *prometheus.CounterVec // reason
	decision      prometheus.Histogram
	protectionMetrics

	mu    sync.Mutex
	codes map[int]prometheus.Counter // responses by code, resolved once

	groups map[string]bool // group numbers whose series Groups created (under mu)
}

// New creates the collectors and registers them with reg.
func New(reg prometheus.Registerer) *Metrics {
	const ns = "ringd"
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "calls_total",
			Help: "Calls to ring groups by dialled group and outcome (answered, no_answer, no_agent, abandoned, out_of_schedule, failed)."},
			[]string{"group", "outcome"}),
		answerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "call_answer_seconds",
			Help:    "Time from a call's arrival to the 2xx that connected it.",
			Buckets: []float64{0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120}},
			[]string{"group"}),
		legs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "legs_total",
			Help: "Legs to members by group and result (answered, cancelled, busy, no_answer, failed)."},
			[]string{"group", "result"}),
		activeCalls: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "active_calls",
			Help: "Group calls in progress (ringing or connected) by dialled group."}, []string{"group"}),
		ringingLegs: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "ringing_legs",
			Help: "Legs to members ringing now."}),
		members: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "members",
			Help: "Ring-group members by group and state (available, busy, dnd, offline)."}, []string{"group", "state"}),
		failovers: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "failovers_total",
			Help: "Failovers taken by group, reason (no_answer, no_agent, out_of_schedule) and destination type."},
			[]string{"group", "reason", "dest"}),
		skips: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "member_skips_total",
			Help: "Members left out of a group's call although online and free, by group and reason (wrap_up, reject_cooldown)."},
			[]string{"group", "reason"}),
		pickups: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "pickups_total",
			Help: "Calls picked up by an extension, by kind (group: *8, directed: **EXT, replaces: INVITE with Replaces)."}, []string{"kind"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "sip_requests_total",
			Help: "SIP requests received by method."}, []string{"method"}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "sip_responses_total",
			Help: "SIP responses sent (ringd's own and relayed) by status code."}, []string{"code"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "sip_rejected_total",
			Help: "Requests refused by the checks before routing, or dropped by the flood and scanner protection (banned, flood, scanner, oversize), by reason."}, []string{"reason"}),
		decision: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "route_decision_seconds",
			Help:    "Time the engine takes to decide how a new call rings (plan and first legs).",
			Buckets: decisionBuckets}),
		protectionMetrics: newProtectionMetrics(),
		codes:             map[int]prometheus.Counter{},
		groups:            map[string]bool{},
	}
	reg.MustRegister(m.calls, m.answerSeconds, m.legs, m.activeCalls, m.ringingLegs, m.members,
		m.failovers, m.skips, m.pickups, m.requests, m.responses, m.rejected, m.decision, m.bans, m.authFailures, m.evicted)
	m.preset()
	return m
}

// Label values known in advance, whose series exist from start at 0 so
// that a fresh dashboard has no empty panel (per-group ones: Groups).
var (
	outcomes      = []string{"answered", "no_answer", "no_agent", "abandoned", "out_of_schedule", "failed"}
	legResults    = []string{"answered", "cancelled", "busy", "no_answer", "failed"}
	skipReasons   = []string{"wrap_up", "reject_cooldown"}
	pickupKinds   = []string{"group", "directed", "replaces"}
	rejectReasons = []string{"version", "malformed", "max_forwards", "uri_scheme", "extension", "relay",
		"banned", "flood", "scanner", "oversize", "connections", "overload"}
	banReasons = []string{"flood", "auth_failures"}
	// presetCodes are the responses every call path sends.
	presetCodes = []int{100, 180, 200, 480, 486, 487}
)

// preset creates the series of label values known in advance at 0.
func (m *Metrics) preset() {
	for method := range knownMethods {
		m.requests.WithLabelValues(method).Add(0)
	}
	m.requests.WithLabelValues("OTHER").Add(0)
	for _, code := range presetCodes {
		c := m.responses.WithLabelValues(strconv.Itoa(code))
		c.Add(0)
		m.codes[code] = c
	}
	for _, r := range rejectReasons {
		m.rejected.WithLabelValues(r).Add(0)
	}
	for _, k := range pickupKinds {
		m.pickups.WithLabelValues(k).Add(0)
	}
	for _, r := range banReasons {
		m.bans.WithLabelValues(r).Add(0)
	}
}

// Groups creates, at 0, the per-group series of every group of snap not
// seen before (calls by outcome, answer time, legs by result, active
// calls, skips by reason), and of each failover reason with the
// destination type the group has for it. Called when a snapshot is
// applied; a group already seen costs a map lookup (and its three
// failover series, whose destinations a reload may change).
func (m *Metrics) Groups(snap *engine.Snapshot) {
	if m == nil || snap == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for gi := range snap.Groups {
		g := &snap.Groups[gi]
		if g.Plan == nil {
			continue
		}
		n := g.Number
		m.failovers.WithLabelValues(n, engine.ReasonNoAnswer.String(), g.OnNoAnswer.Type.String()).Add(0)
		m.failovers.WithLabelValues(n, engine.ReasonNoAgent.String(), g.OnNoAgent.Type.String()).Add(0)
		m.failovers.WithLabelValues(n, engine.ReasonOutOfSchedule.String(), g.OutOfSchedule.Type.String()).Add(0)
		if m.groups[n] {
			continue
		}
		m.groups[n] = true
		for _, o := range outcomes {
			m.calls.WithLabelValues(n, o).Add(0)
		}
		m.answerSeconds.WithLabelValues(n)
		for _, r := range legResults {
			m.legs.WithLabelValues(n, r).Add(0)
		}
		m.activeCalls.WithLabelValues(n).Add(0)
		for _, r := range skipReasons {
			m.skips.WithLabelValues(n, r).Add(0)
		}
	}
}

// Registrations exposes the number of live registered contacts, read at
// scrape time.
func Registrations(count func() int) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "ringd", Name: "registrations",
		Help: "Live registered contacts."}, func() float64 { return float64(count()) })
}

// decisionBuckets are powers of two from 250 ns to 2 ms, with 12, 20 and
// 24 µs added so that a p99 near the 20 µs target reads as above or below it.
var decisionBuckets = []float64{250e-9, 500e-9, 1e-6, 2e-6, 4e-6, 8e-6, 12e-6, 16e-6, 20e-6, 24e-6, 32e-6,
	64e-6, 128e-6, 256e-6, 512e-6, 1024e-6, 2048e-6}

// KnownMethod reports whether method is a SIP method ringd knows (RFC 3261
// and its extensions); the method label of anything else is OTHER.
func KnownMethod(method string) bool { return knownMethods[method] }

var knownMethods = map[string]bool{"INVITE": true, "ACK": true, "CANCEL": true, "BYE": true, "OPTIONS": true,
	"REGISTER": true, "UPDATE": true, "INFO": true, "PRACK": true, "REFER": true, "NOTIFY": true,
	"MESSAGE": true, "SUBSCRIBE": true, "PUBLISH": true}

// Pickup counts a call picked up: kind is group (*8), directed (**EXT)
// or replaces (an INVITE with Replaces).
func (m *Metrics) Pickup(kind string) {
	if m != nil {
		m.pickups.WithLabelValues(kind).Inc()
	}
}

// Skip counts a member left out of a group's call (wrap-up, cooldown).
func (m *Metrics) Skip(group, reason string) {
	if m != nil {
		m.skips.WithLabelValues(group, reason).Inc()
	}
}

func (m *Metrics) Request(method string) {
	if m == nil {
		return
	}
	if !knownMethods[method] {
		method = "OTHER"
	}
	m.requests.WithLabelValues(method).Inc()
}

// cancelAnswered counts a CANCEL of a ringing INVITE, which sipgo's
// transaction layer answers itself (200 to the CANCEL, 487 to the INVITE)
// without passing it to a handler.
func (m *Metrics) CancelAnswered() {
	m.Request("CANCEL")
	m.Response(200)
	m.Response(487)
}

func (m *Metrics) Response(code int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	c, ok := m.codes[code]
	if !ok {
		if code < 100 || code > 699 {
			code = 0
		}
		c = m.responses.WithLabelValues(strconv.Itoa(code))
		m.codes[code] = c
	}
	m.mu.Unlock()
	c.Inc()
}

func (m *Metrics) Reject(reason string) {
	if m != nil {
		m.rejected.WithLabelValues(reason).Inc()
	}
}

// callStarted / callEnded keep ringd_active_calls.
func (m *Metrics) CallStarted(group string) {
	if m != nil {
		m.activeCalls.WithLabelValues(group).Inc()
	}
}

// callEnded accounts a finished call: outcome, answer time, every leg.
func (m *Metrics) CallEnded(r *engine.CallRecord) {
	if m == nil {
		return
	}
	s := r.Snapshot
	group := s.Groups[r.Group].Number
	m.activeCalls.WithLabelValues(group).Dec()
	m.calls.WithLabelValues(group, r.Outcome.String()).Inc()
	if r.Outcome == engine.OutcomeAnswered {
		m.answerSeconds.WithLabelValues(group).Observe(time.Duration(r.Answer - r.Start).Seconds())
	}
	for _, l := range r.Legs {
		if l.Group >= 0 { // a failover leg is no group's member
			m.legs.WithLabelValues(s.Groups[l.Group].Number, l.Result.String()).Inc()
		}
	}
}

func (m *Metrics) Failover(group string, a *engine.Action) {
	if m != nil {
		m.failovers.WithLabelValues(group, a.Reason.String(), a.Dest.Type.String()).Inc()
	}
}

func (m *Metrics) LegRinging(delta float64) {
	if m != nil {
		m.ringingLegs.Add(delta)
	}
}

func (m *Metrics) Decided(d time.Duration) {
	if m != nil {
		m.decision.Observe(d.Seconds())
	}
}

// memberStates sets ringd_members from the snapshot's groups and each
// extension's state.
func (m *Metrics) MemberStates(snap *engine.Snapshot, state func(ext int32) strategy.MemberState) {
	if m == nil {
		return
	}
	m.members.Reset()
	for gi := range snap.Groups {
		g := &snap.Groups[gi]
		if g.Plan == nil {
			continue
		}
		var counts [4]float64 // available, busy, dnd, offline
		for _, mem := range g.Plan.Members {
			st := state(int32(mem.Ext))
			switch {
			case st&strategy.Online == 0:
				counts[3]++
			case st&strategy.DND != 0:
				counts[2]++
			case st&strategy.Busy != 0:
				counts[1]++
			default:
				counts[0]++
			}
		}
		for i, name := range []string{"available", "busy", "dnd", "offline"} {
			m.members.WithLabelValues(g.Number, name).Set(counts[i])
		}
	}
}

// Protection metrics (sip.protection): bans started, failed digest checks,
// sources banned now. Requests the protection drops are counted in
// ringd_sip_rejected_total (banned, flood, scanner, oversize).
type protectionMetrics struct {
	bans         *prometheus.CounterVec // reason
	authFailures prometheus.Counter
	evicted      prometheus.Counter
}

func newProtectionMetrics() protectionMetrics {
	return protectionMetrics{
		bans: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "ringd", Name: "bans_total",
			Help: "Source addresses banned, by reason (flood, auth_failures)."}, []string{"reason"}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "ringd", Name: "sip_auth_failures_total",
			Help: "Digest authentications that failed (wrong password, unknown user or bad nonce) from untrusted sources."}),
		evicted: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "ringd", Name: "sip_sources_evicted_total",
			Help: "Sources the protection's full table forgot (the oldest first) to count a new one."}),
	}
}

// SourceEvicted counts a source the protection's table forgot for room.
func (m *Metrics) SourceEvicted() {
	if m != nil {
		m.evicted.Inc()
	}
}

func (m *Metrics) Banned(reason string) {
	if m != nil {
		m.bans.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) AuthFailure() {
	if m != nil {
		m.authFailures.Inc()
	}
}

// BannedSources exposes the number of sources banned now, read at scrape
// time.
func BannedSources(count func() int) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "ringd", Name: "banned_sources",
		Help: "Source addresses banned now."}, func() float64 { return float64(count()) })
}
