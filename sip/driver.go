package sip

import (
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// driver is the one goroutine that owns the routing engine (DESIGN: the
// driver loop). Everything else talks to it by posting functions that run
// on it; it turns SIP events into engine events, carries out the actions,
// and arms one timer for the engine's next deadline.
type driver struct {
	s       *Server
	eng     *engine.Engine
	events  chan func()
	base    time.Time // engine time 0
	timer   *time.Timer
	armed   bool
	at      int64 // deadline the timer is armed for
	calls   map[engine.CallID]*groupCall
	pages   map[string]*groupCall // answered pages by Call-ID, until the caller's BYE
	talking map[string]*groupCall // connected group calls by Call-ID, until the BYE
	greets  map[string]*greeting  // play_greeting failovers by Call-ID, until ringd's BYE or the caller's
	out     []engine.Action
	later   []func() // engine events raised while actions are carried out

	started  atomic.Bool   // run was started (Start)
	quitting bool          // stop's shutdown ran: return once it is done
	exited   chan struct{} // closed when run returns

	gaugesDirty bool // member states changed: refresh ringd_members once this event is done
}

func newDriver(s *Server, snap *engine.Snapshot) *driver {
	d := &driver{s: s, eng: engine.New(snap), events: make(chan func(), 4096), base: time.Now(),
		calls: map[engine.CallID]*groupCall{}, pages: map[string]*groupCall{}, talking: map[string]*groupCall{}, greets: map[string]*greeting{},
		out: make([]engine.Action, 0, 64), exited: make(chan struct{})}
	d.timer = time.NewTimer(time.Hour)
	d.timer.Stop()
	d.eng.Reserve(readyCallSlots)
	return d
}

// now is engine time: monotonic nanoseconds since the driver started.
func (d *driver) now() int64 { return int64(time.Since(d.base)) }

// post runs f on the driver goroutine, unless the driver has stopped
// (then f is dropped: it reports false). It must not be called from it.
func (d *driver) post(f func()) bool {
	select {
	case d.events <- f:
		return true
	case <-d.exited:
		return false
	}
}

// wait runs f on the driver goroutine and returns once it has run; false
// when the driver stopped first and f never ran.
func (d *driver) wait(f func()) bool {
	ran := make(chan struct{})
	if !d.post(func() { f(); close(ran) }) {
		return false
	}
	select {
	case <-ran:
		return true
	case <-d.exited:
		select {
		case <-ran: // it ran just before the driver stopped
			return true
		default:
			return false
		}
	}
}

// postAsync posts f without ever blocking the caller (sipgo's transaction
// callbacks must not wait): when the queue is full a goroutine waits.
func (d *driver) postAsync(f func()) {
	select {
	case d.events <- f:
	default:
		go func() { _ = d.post(f) }()
	}
}

func (d *driver) run(done <-chan struct{}) {
	defer close(d.exited)
	d.refreshAll()
	d.memberGauges() // scrapes before the first call see every member
	for {
		select {
		case <-done:
			return
		case f := <-d.events:
			f()
		case <-d.timer.C:
			d.armed = false
			d.step(d.eng.Tick)
		}
		for len(d.later) > 0 {
			f := d.later[0]
			d.later = d.later[1:]
			f()
		}
		if d.gaugesDirty {
			d.gaugesDirty = false
			d.memberGauges()
		}
		if d.quitting {
			return
		}
		d.rearm()
	}
}

// stop ends every call the driver still carries (shutdown) and waits until
// the driver goroutine has returned: after it, no hook is called again.
// A driver that was never started, or has stopped already, returns at once.
func (d *driver) stop() {
	if !d.started.Load() {
		return
	}
	d.post(func() {
		d.shutdown()
		d.quitting = true
	})
	<-d.exited
}

// shutdown ends the calls ringd still carries as it stops, so that each
// leaves its record: a call still ringing (the grace period is over) is
// aborted - its legs cancelled, the caller answered 503 - and a connected
// one, whose BYE ringd will not see, ends now; pages and greetings hang up.
func (d *driver) shutdown() {
	for _, g := range d.greets {
		d.endGreeting(g, true)
	}
	for id := range d.pages {
		d.endPage(id)
	}
	ids := make([]engine.CallID, 0, len(d.calls))
	for id := range d.calls {
		ids = append(ids, id)
	}
	ringing, connected := 0, 0
	for _, id := range ids {
		if gc := d.calls[id]; gc != nil && !gc.over {
			if gc.final {
				connected++
			} else {
				ringing++
			}
			d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Abort(now, id, 503, out) })
		}
	}
	if ringing+connected > 0 {
		d.s.log.Info("calls ended at shutdown", zap.Int("ringing", ringing), zap.Int("connected", connected))
	}
}

// step feeds one engine event and carries out what it decided.
func (d *driver) step(event func(now int64, out []engine.Action) []engine.Action) {
	d.out = event(d.now(), d.out[:0])
	d.exec(d.out)
}

// then queues an engine event to run once the current actions are done
// (actions must not feed the engine while its output is being read).
func (d *driver) then(f func()) { d.later = append(d.later, f) }

func (d *driver) rearm() {
	at, ok := d.eng.NextDeadline()
	if !ok {
		if d.armed {
			d.timer.Stop()
			d.armed = false
		}
		return
	}
	if d.armed && d.at == at {
		return
	}
	d.timer.Stop()
	d.timer.Reset(max(0, time.Duration(at-d.now())))
	d.armed, d.at = true, at
}

// setSnapshot applies a new routing configuration to new calls.
func (d *driver) setSnapshot(snap *engine.Snapshot) {
	d.eng.SetSnapshot(snap)
	d.refreshAll()
	d.gaugesDirty = true
}

func (d *driver) refreshAll() {
	for num := range d.s.settings.Load().Extensions {
		d.refreshMember(num)
	}
}

// refreshMember recomputes an extension's state (registered, DND, busy)
// and tells the engine when it changed.
func (d *driver) refreshMember(ext string) {
	id, ok := d.eng.Snapshot().Extension(ext)
	if !ok {
		return
	}
	var st strategyState
	if d.s.loc.Online(ext, time.Now()) {
		st |= online
	}
	if e, ok := d.s.settings.Load().Extensions[ext]; ok && e.DND {
		st |= dnd
	}
	if d.s.dialogs.isBusy(ext) {
		st |= busy
	}
	if d.eng.Member(id) != st {
		d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.SetMember(now, id, st, out) })
		d.gaugesDirty = true
	}
}

// memberGauges refreshes ringd_members from the engine's member states.
func (d *driver) memberGauges() {
	d.s.metrics.memberStates(d.eng.Snapshot(), func(ext int32) strategyState { return d.eng.Member(strategy.ExtID(ext)) })
}

// ringing counts calls that have not had their final response yet.
func (d *driver) ringing() int {
	n := 0
	for _, gc := range d.calls {
		if !gc.final {
			n++
		}
	}
	return n
}

// exec carries out engine actions.
func (d *driver) exec(out []engine.Action) {
	for i := range out {
		a := &out[i]
		gc := d.calls[a.Call]
		if gc == nil {
			continue
		}
		switch a.Kind {
		case engine.ActStartLeg:
			d.startLeg(gc, a)
		case engine.ActCancelLeg:
			gc.legs[a.Leg].ended()
			if f := gc.legs[a.Leg].fork; f != nil {
				f.cancel(a.Cancel.Header())
			}
		case engine.ActForwardProvisional:
			// with ringd's own early media the caller listens to ringd, not to the members
			if ml := gc.legs[a.Leg]; ml.prov != nil && !gc.final && gc.media == nil {
				_ = d.s.reply(gc.tx, upstream(ml.prov, gc.req, ml.toRewritten))
			}
		case engine.ActAnswerCaller:
			gc.legs[a.Leg].ended()
			gc.stopMedia()
			d.answerCaller(gc, gc.legs[a.Leg])
		case engine.ActAnswerLocal:
			d.answerLocal(gc)
		case engine.ActJoinPage:
			gc.legs[a.Leg].ended()
			d.joinPage(gc, gc.legs[a.Leg])
		case engine.ActReleaseLeg:
			if f := gc.legs[a.Leg].fork; f != nil {
				f.releaseWinner()
			}
		case engine.ActRespondCaller:
			if !gc.final {
				d.respondCaller(gc, a.Code)
			}
		case engine.ActFailover:
			d.s.metrics.failover(gc.snap.Groups[a.Group].Number, a)
			switch t := a.Dest.Type; {
			case t == engine.DestPlayGreeting:
				d.playGreeting(gc, a)
			case t == engine.DestExtension || t == engine.DestExternalNum || t.Service():
				gc.stopMedia()
				d.failover(gc, a)
			}
		case engine.ActRecord:
			for _, ml := range gc.legs {
				ml.ended()
			}
			if _, paging := d.pages[callID(gc.req)]; !paging {
				gc.stopMedia()
			}
			d.s.metrics.callEnded(a.Record)
			d.record(gc, a.Record)
			gc.over = true
			delete(d.calls, a.Call)
			delete(d.talking, callID(gc.req))
		}
	}
}

// record logs the call's one line at info: what was decided and how it
// ended; each leg at debug. The record itself goes to the Record hook.
func (d *driver) record(gc *groupCall, r *engine.CallRecord) {
	if h := d.s.hooks.Record; h != nil {
		h(r.Flatten(callID(gc.req)))
	}
	snap := r.Snapshot
	fields := []zap.Field{
		zap.String("call_id", callID(gc.req)),
		zap.String("group", snap.Groups[r.Group].Number),
		zap.String("strategy", gc.strategy),
		zap.Strings("planned", gc.planned),
		zap.String("outcome", r.Outcome.String()),
		zap.String("caller", r.Caller),
		zap.Int("legs", len(r.Legs)),
		zap.Duration("duration", time.Duration(r.End-r.Start)),
	}
	if r.AnsweredBy >= 0 {
		fields = append(fields, zap.String("answered_by", snap.Extensions[r.AnsweredBy].Number),
			zap.Duration("answer_time", time.Duration(r.Answer-r.Start)))
	}
	if r.Failover != nil {
		fields = append(fields, zap.String("failover", r.Failover.Type.String()), zap.String("failover_reason", r.FailoverReason.String()))
	}
	if r.LastGroup != r.Group {
		fields = append(fields, zap.String("last_group", snap.Groups[r.LastGroup].Number))
	}
	d.s.log.Info("call", fields...)
	if ce := d.s.log.Check(zap.DebugLevel, "leg"); ce != nil {
		for i, l := range r.Legs {
			d.s.log.Debug("leg", zap.String("call_id", callID(gc.req)), zap.Int("leg", i),
				zap.String("member", snap.Extensions[l.Ext].Number), zap.String("group", snap.Groups[l.Group].Number),
				zap.Duration("start", time.Duration(l.Start-r.Start)), zap.Duration("end", time.Duration(l.End-r.Start)),
				zap.String("result", l.Result.String()), zap.Int("code", l.Code))
		}
	}
}

// busyChanged tells the engine, from the driver goroutine, about
// extensions whose busy state changed.
func (d *driver) busyChanged(exts []string) {
	for _, e := range exts {
		d.then(func() { d.refreshMember(e) })
	}
}
