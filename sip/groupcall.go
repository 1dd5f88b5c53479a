package sip

import (
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/strategy"
)

// groupCall is the driver's side of one engine call: the caller's INVITE
// transaction and one fork per member leg.
type groupCall struct {
	id        engine.CallID
	req       *sip.Request
	tx        sip.ServerTransaction
	snap      *engine.Snapshot
	callerExt string   // the calling extension, "" for a trunk or unknown caller
	strategy  string   // the dialled group's strategy, for the call's log line
	planned   []string // members planned at arrival, for the call's log line
	legs      []*memberLeg
	media     *callMedia // ringd's own RTP towards the caller: prompts, a page's relay
	final     bool       // a final response was sent to the caller, or handed to a failover proxy
	over      bool       // the engine wrote the call's record
	released  atomic.Bool
	cancelled atomic.Bool // the caller's CANCEL came (sipgo answered it 200 + 487)
}

// finish marks that the caller has its final response and lets the
// transaction go.
func (gc *groupCall) finish() {
	if !gc.final {
		gc.final = true
		gc.release()
	}
}

// release lets the caller's transaction go (once), as sipgo does when a
// handler returns: it ends when its response's timers are done, at once
// if it never had a final response.
func (gc *groupCall) release() {
	if gc.released.CompareAndSwap(false, true) {
		if t, ok := gc.tx.(gracefulTx); ok {
			t.TerminateGracefully()
		}
	}
}

// memberLeg is one engine leg: a fork to every contact of the member.
type memberLeg struct {
	d           *driver
	gc          *groupCall
	index       int
	ext         string
	fork        *fork
	counted     bool // counts in ringd_ringing_legs
	toRewritten bool
	prov        *sip.Response  // last provisional, for ActForwardProvisional
	answer      *sip.Response  // the 2xx, for ActAnswerCaller / ActJoinPage
	rtp         netip.AddrPort // paging: where the member takes the relayed audio
	left        bool           // paging: the member hung up its leg of the page
}

func (ml *memberLeg) provisional(_ *fork, res *sip.Response) {
	ml.d.post(func() {
		if ml.gc.over {
			return
		}
		ml.prov = res
		code := res.StatusCode
		ml.d.step(func(now int64, out []engine.Action) []engine.Action {
			return ml.d.eng.Provisional(now, ml.gc.id, ml.index, code, out)
		})
	})
}

func (ml *memberLeg) answered(f *fork, _ *branch, res *sip.Response) {
	ml.d.post(func() {
		if ml.gc.over {
			f.releaseWinner()
			return
		}
		ml.answer = res
		code := res.StatusCode
		ml.d.step(func(now int64, out []engine.Action) []engine.Action {
			return ml.d.eng.Answered(now, ml.gc.id, ml.index, code, out)
		})
	})
}

func (ml *memberLeg) failed(_ *fork, code int) {
	ml.d.post(func() {
		ml.ended()
		ml.d.step(func(now int64, out []engine.Action) []engine.Action {
			return ml.d.eng.Failed(now, ml.gc.id, ml.index, code, out)
		})
	})
}

func (ml *memberLeg) retransmitted(_ *fork, res *sip.Response) {
	ml.d.post(func() {
		if ml.answer != nil && ml.gc.tx != nil {
			_ = ml.d.s.reply(ml.gc.tx, upstream(res, ml.gc.req, ml.toRewritten))
		}
	})
}

// ended takes the leg out of ringd_ringing_legs (once).
func (ml *memberLeg) ended() {
	if ml.counted {
		ml.counted = false
		ml.d.s.metrics.legRinging(-1)
	}
}

// ringGroup starts a call to a ring group and hands it to the driver; it
// reports whether the driver holds the caller's transaction (it does not
// when the caller cancelled before this).
func (d *driver) ringGroup(req *sip.Request, tx sip.ServerTransaction, number, callerExt string) (held bool) {
	gc := &groupCall{req: req, tx: tx, callerExt: callerExt}
	if !tx.OnCancel(func(*sip.Request) {
		d.s.metrics.cancelAnswered()
		gc.cancelled.Store(true)
		d.postAsync(func() { d.callerCancel(gc) })
	}) {
		d.s.metrics.cancelAnswered()
		return false // cancelled before we got here: sipgo answered 487
	}
	gone := func() { d.callerGone(gc) }
	if !tx.OnTerminate(func(string, error) { d.postAsync(gone) }) {
		return false // over already (the transport failed)
	}
	if !d.post(func() { d.arrive(gc, number) }) {
		d.s.respond(tx, req, 503, "Service Unavailable") // ringd is stopping
		return false
	}
	return true
}

func (d *driver) arrive(gc *groupCall, number string) {
	if gc.cancelled.Load() { // the CANCEL overtook the arrival: nothing to ring
		gc.finish()
		return
	}
	if d.s.draining.Load() {
		retry := sip.NewHeader("Retry-After", itoa(d.s.settings.Load().ShutdownRetryAfter))
		d.s.respond(gc.tx, gc.req, 503, "Service Unavailable", retry)
		gc.finish()
		return
	}
	snap := d.eng.Snapshot()
	gid, ok := snap.Group(number)
	if !ok {
		d.s.respond(gc.tx, gc.req, 404, "Not Found")
		gc.finish()
		return
	}
	if snap.Groups[gid].Plan.Kind == strategy.PagingIntercom {
		m, code, err := d.s.openMedia(gc.req)
		if err != nil {
			d.s.log.Info("page refused", zap.String("call_id", callID(gc.req)), zap.Int("code", code), zap.Error(err))
			d.respondCaller(gc, code)
			return
		}
		gc.media = m
		m.relay = media.NewRelay(m.port.Conn, m.offer.Addr)
		go m.relay.Run()
	} else if gm := d.s.settings.Load().GroupMedia[number]; gm.plays() {
		if gm.FullJoin && len(gm.sequence()) > 0 {
			if d.startEarlyMedia(gc, gm, func() { d.startHeld(gc) }) {
				d.admit(gc, snap, gid, number, true) // the members ring once the prompts are over
				return
			}
		} else {
			d.startEarlyMedia(gc, gm, nil)
		}
	}
	d.admit(gc, snap, gid, number, false)
}

// admit hands a call to the engine, which plans and starts its legs; a
// held call only arrives (it counts, and leaves a record however it ends)
// and its legs start with startHeld.
func (d *driver) admit(gc *groupCall, snap *engine.Snapshot, gid engine.GroupID, number string, held bool) {
	gc.snap = snap
	var id engine.CallID
	wall := d.s.settings.Load().now().UnixNano()
	caller := engine.Caller{Name: callerName(gc.req)}
	if held {
		id, d.out = d.eng.Hold(d.now(), wall, gid, caller, d.out[:0])
	} else {
		// The decision's time is the engine's alone: its arguments are ready.
		t0 := time.Now()
		id, d.out = d.eng.Arrive(int64(t0.Sub(d.base)), wall, gid, caller, d.out[:0])
		d.s.metrics.decided(time.Since(t0))
	}
	if id == 0 {
		d.respondCaller(gc, 404)
		return
	}
	gc.id = id
	gc.strategy = snap.Groups[gid].Plan.Kind.String()
	d.eng.Planned(id, func(ext strategy.ExtID) { gc.planned = append(gc.planned, snap.Extensions[ext].Number) })
	d.calls[id] = gc
	d.s.metrics.callStarted(number)
	d.exec(d.out)
	d.eng.Reserve(readyCallSlots) // for the next arrival, outside its decision
}

// startHeld rings the members of a held call: its prompts are over.
func (d *driver) startHeld(gc *groupCall) {
	if gc.over || gc.final {
		return
	}
	t0 := time.Now()
	d.out = d.eng.Start(int64(t0.Sub(d.base)), gc.id, d.out[:0])
	d.s.metrics.decided(time.Since(t0))
	snap := gc.snap
	d.eng.Planned(gc.id, func(ext strategy.ExtID) { gc.planned = append(gc.planned, snap.Extensions[ext].Number) })
	d.exec(d.out)
}

func (d *driver) callerCancel(gc *groupCall) {
	if gc.id == 0 || gc.over {
		return
	}
	d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.CallerCancel(now, gc.id, out) })
}

// callerGone: the caller's INVITE transaction ended before its final
// response (transport failure): the engine ends the call without a response.
func (d *driver) callerGone(gc *groupCall) {
	if gc.id == 0 || gc.over || gc.final {
		return
	}
	d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Hangup(now, gc.id, out) })
}

// startLeg forks a member leg to every contact of the extension, with the
// headers the engine decided.
func (d *driver) startLeg(gc *groupCall, a *engine.Action) {
	ext := gc.snap.Extensions[a.Ext].Number
	ml := &memberLeg{d: d, gc: gc, index: a.Leg, ext: ext}
	gc.legs = append(gc.legs, ml)
	contacts := d.s.loc.Contacts(ext, time.Now())
	if len(contacts) == 0 {
		id, leg := gc.id, a.Leg
		d.then(func() {
			d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Failed(now, id, leg, 480, out) })
		})
		return
	}
	reqs := make([]*sip.Request, 0, len(contacts))
	for _, c := range contacts {
		var replace, extra []sip.Header
		for _, h := range a.Headers {
			extra = append(extra, sip.NewHeader(h.Name, h.Value))
		}
		if a.Diversion != "" {
			extra = append(extra, sip.NewHeader(engine.HeaderDiversion, a.Diversion))
		}
		if a.To != "" {
			replace = append(replace, &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: ext, Host: gc.snap.Domain}, Params: sip.NewParams()})
			ml.toRewritten = true
		}
		r := d.s.forward(gc.req, c, true, replace, extra)
		if gc.media != nil && gc.media.relay != nil {
			d.pageOffer(gc, r)
		}
		reqs = append(reqs, r)
	}
	ml.fork = d.s.startFork(reqs, ml)
	ml.counted = true
	d.s.metrics.legRinging(1)
}

// answerCaller relays the winning 2xx and marks both ends busy. When the
// caller is already gone (its CANCEL crossed the answer), the member is
// hung up and the engine told.
func (d *driver) answerCaller(gc *groupCall, ml *memberLeg) {
	if ml.answer == nil {
		return
	}
	// Busy before the 2xx leaves: the caller's ACK and BYE may overtake us.
	id := callID(gc.req)
	busy := d.s.dialogs.add(id, ml.ext, gc.callerExt)
	if gc.final || d.s.reply(gc.tx, upstream(ml.answer, gc.req, ml.toRewritten)) != nil {
		d.s.dialogs.end(id)
		ml.fork.releaseWinner()
		cid := gc.id
		d.then(func() {
			d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Hangup(now, cid, out) })
		})
		return
	}
	gc.finish()
	d.talking[id] = gc
	d.busyChanged(busy)
}

// hungUp is a BYE (or a dialog timeout) of a call ringd connected: the
// engine writes the record of a group call.
func (d *driver) hungUp(callID string) {
	gc, ok := d.talking[callID]
	if !ok {
		return
	}
	delete(d.talking, callID)
	if !gc.over {
		d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Hangup(now, gc.id, out) })
	}
}

// callerName is what the call record shows as the caller: the From user,
// or the whole From URI when it has none.
func callerName(req *sip.Request) string {
	if f := req.From(); f != nil {
		if f.Address.User != "" {
			return f.Address.User
		}
		return f.Address.String()
	}
	return ""
}
