package sip

import (
	"strconv"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/strategy"
)

// call is the driver's side of one engine call: the caller's INVITE
// transaction, one leg per engine leg, and ringd's own media toward the
// caller. A handler makes it and hands it over (evInvite); from then on
// only the driver touches it.
type call struct {
	id        engine.CallID
	req       *sip.Request
	tx        sip.ServerTransaction
	callID    string
	callerExt string // the calling extension, "" for a trunk or unknown caller
	number    string // the number dialled
	snap      *engine.Snapshot
	group     bool     // a call to a ring group (else to an extension)
	strategy  string   // the dialled group's strategy, for the call's log line
	planned   []string // members planned when they started ringing, for the log line
	legs      []*leg
	media     *callMedia // ringd's own RTP towards the caller: prompts, a page's relay

	final     bool // the caller has its final response (or ringd answered it itself)
	released  bool // its transaction was let go
	cancelled bool // the caller's CANCEL came (sipgo answered it)
	gone      bool // the caller's transaction ended
	ended     bool // the engine ended the call
}

func newCall(req *sip.Request, tx sip.ServerTransaction, number, callerExt string) *call {
	return &call{req: req, tx: tx, callID: proxy.CallID(req), number: number, callerExt: callerExt}
}

// finish marks that the caller has its final response and lets the
// transaction go.
func (c *call) finish() {
	if !c.final {
		c.final = true
		c.release()
	}
}

// release lets the caller's transaction go (once), as sipgo does when a
// handler returns: it ends when its response's timers are done, at once
// if it never had a final response.
func (c *call) release() {
	if !c.released {
		c.released = true
		if t, ok := c.tx.(gracefulTx); ok {
			t.TerminateGracefully()
		}
	}
}

// gracefulTx is what sipgo's server transactions offer beyond the
// interface: end once the final response's retransmission timers are done.
type gracefulTx interface{ TerminateGracefully() }

// arrive routes a new call: to a ring group, or to an extension; else 404.
// The number is looked up in the engine's snapshot, the one the call will
// route with.
func (d *driver) arrive(c *call) {
	if c.cancelled || c.gone { // the CANCEL overtook the arrival: nothing to ring
		c.finish()
		return
	}
	if d.draining || d.stopping != nil {
		d.refuse(c)
		return
	}
	snap := d.eng.Snapshot()
	c.snap = snap
	now, wall := d.now(), d.clock.Now().UnixNano()
	if gid, ok := snap.Group(c.number); ok {
		d.arriveGroup(c, gid, now, wall)
		return
	}
	if x, ok := snap.Extension(c.number); ok {
		d.admit(c, engine.Event{Kind: engine.EvCall, At: now, Wall: wall, Ext: x, Caller: callerOf(c.req)})
		return
	}
	d.respondCaller(c, 404)
}

// admit feeds the arrival of call c; one the engine does not take (its
// group or extension is gone) gets 404.
func (d *driver) admit(c *call, ev engine.Event) {
	d.arriving = c
	d.feed(ev)
	d.arriving = nil
	if c.id == 0 {
		d.respondCaller(c, 404)
	}
}

// refuse answers a new call 503 with Retry-After: ringd is stopping, or
// too busy to take it.
func (d *driver) refuse(c *call) {
	d.replies.respond(c.tx, c.req, 503, "Service Unavailable", retryAfter(d.set.ShutdownRetryAfter))
	c.finish()
}

// arriveGroup starts a call to a ring group: a page opens its relay first;
// a group with prompts answers 183 and plays them, and with
// play_full_join_prompt its members ring only once they are over (the
// engine holds the call meanwhile).
func (d *driver) arriveGroup(c *call, gid engine.GroupID, now, wall int64) {
	c.group = true
	kind := engine.EvArrive
	if c.snap.Groups[gid].Plan.Kind == strategy.PagingIntercom {
		if !d.openPage(c) {
			return
		}
	} else if gm := d.set.GroupMedia[c.number]; gm.plays() {
		if gm.FullJoin && len(gm.sequence()) > 0 {
			if d.startEarlyMedia(c, gm, true) {
				kind = engine.EvHold // the members ring once the prompts are over
			}
		} else {
			d.startEarlyMedia(c, gm, false)
		}
	}
	d.admit(c, engine.Event{Kind: kind, At: now, Wall: wall, Group: gid, Caller: callerOf(c.req)})
	d.eng.Reserve(readyCallSlots) // for the next arrival, outside its decision
}

// admitted: the engine took call c, whose actions come next.
func (d *driver) admitted(c *call) {
	if !c.group {
		return
	}
	gid, _ := c.snap.Group(c.number)
	c.strategy = c.snap.Groups[gid].Plan.Kind.String()
	d.plan(c)
	d.metrics.CallStarted(c.number)
}

// plan notes the members the call's group planned to ring, for its log line.
func (d *driver) plan(c *call) {
	d.eng.Planned(c.id, func(ext strategy.ExtID) { c.planned = append(c.planned, c.snap.Extensions[ext].Number) })
}

// startHeld rings the members of a held call: its prompts are over.
func (d *driver) startHeld(c *call) {
	if c.ended || c.final {
		return
	}
	d.feed(engine.Event{Kind: engine.EvStart, At: d.now(), Call: c.id})
	d.plan(c)
}

// callerCancel: the caller's CANCEL came (sipgo answered it 200 and the
// INVITE 487).
func (d *driver) callerCancel(c *call) {
	c.cancelled = true
	if c.id != 0 && !c.ended {
		d.feed(engine.Event{Kind: engine.EvCallerCancel, At: d.now(), Call: c.id})
	}
}

// callerGone: the caller's INVITE transaction ended. Before its final
// response (a transport failure) the engine ends the call without one.
func (d *driver) callerGone(c *call) {
	c.gone = true
	if c.id != 0 && !c.ended && !c.final {
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
	}
}

// hungUp is a BYE (or a dialog timeout) of a call ringd connected: the
// engine ends it (and writes the record of a group call).
func (d *driver) hungUp(callID string) {
	c, ok := d.talking[callID]
	if !ok {
		return
	}
	delete(d.talking, callID)
	if !c.ended {
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
	}
}

// callerOf is who calls, as the engine needs it: the name its record
// shows (the From user, or the whole From URI when it has none), and what
// sequential ring's criteria read (the number and Privacy).
func callerOf(req *sip.Request) engine.Caller {
	var user, privacy, name string
	if f := req.From(); f != nil {
		user, name = f.Address.User, f.Address.User
		if name == "" {
			name = f.Address.String()
		}
	}
	if h := req.GetHeader("Privacy"); h != nil {
		privacy = h.Value()
	}
	c := engine.ClassifyCaller(user, privacy)
	c.Name = name
	return c
}

// retryAfter is the Retry-After header of a 503.
func retryAfter(seconds int) sip.Header { return sip.NewHeader("Retry-After", strconv.Itoa(seconds)) }
