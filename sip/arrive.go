package sip

import (
	"math/rand/v2"
	"strconv"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// arrive routes a new call: to a ring group, to an extension, or out by the
// first outbound rule its number matches; else 404.
// The number is looked up in the engine's snapshot, the one the call will
// route with.
func (d *driver) arrive(c *call) {
	if c.over { // the CANCEL overtook the arrival: nothing to ring
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
	c.arrived = now
	switch {
	case c.relay:
		d.admit(c, engine.Event{Kind: engine.EvDial, At: now, Wall: wall, URI: c.req.Recipient.String(), Caller: callerOf(c.req)})
		return
	case c.confirm:
		d.confirmFeature(c)
		return
	case c.pick != nil && d.arrivePickup(c):
		return
	}
	if gid, ok := snap.Group(c.number); ok {
		d.arriveGroup(c, gid, now, wall)
		return
	}
	if x, ok := snap.Extension(c.number); ok {
		d.admit(c, engine.Event{Kind: engine.EvCall, At: now, Wall: wall, Ext: x, Caller: callerOf(c.req)})
		return
	}
	// An outbound call: the caller is an authenticated extension or a
	// trusted source (onInvite checked), and the number matches a rule.
	if uri, ok := outboundTarget(d.set.Outbound, c.number); ok {
		d.admit(c, engine.Event{Kind: engine.EvDial, At: now, Wall: wall, URI: uri, Caller: callerOf(c.req)})
		return
	}
	d.respondCaller(c, 404)
}

// admit feeds the arrival of call c (see step), then readies the slots of
// the next arrivals, outside this one's decision.
func (d *driver) admit(c *call, ev engine.Event) {
	ev.Rand = rand.Uint64() // the call's random draws (random_hunt, weighted_hunt)
	d.fed = append(d.fed, fedEvent{ev: ev, c: c})
	d.feed(engine.Event{Kind: engine.EvReserve, Slots: readyCallSlots})
}

// refuse answers a new call 503 with Retry-After: ringd is draining or
// stopping. (A call the inbox has no room for gets the same from its
// handler.)
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
	} else if gm := d.set.GroupMedia[c.number]; gm.Plays() {
		if gm.FullJoin && len(gm.sequence()) > 0 {
			if d.startEarlyMedia(c, gm, true) {
				kind = engine.EvHold // the members ring once the prompts are over
			}
		} else {
			d.startEarlyMedia(c, gm, false)
		}
	}
	d.admit(c, engine.Event{Kind: kind, At: now, Wall: wall, Group: gid, Caller: callerOf(c.req)})
}

// admitted: the engine took call c, whose actions come next.
func (d *driver) admitted(c *call) {
	d.calls[c.id] = c
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

// startHeld rings the members of a held call: its prompts are over (the
// members planned go to its log line once the start is stepped).
func (d *driver) startHeld(c *call) {
	if c.ended || c.final {
		return
	}
	d.feed(engine.Event{Kind: engine.EvStart, At: d.now(), Call: c.id})
}

// callerCancel: the caller's CANCEL came (sipgo answered it 200 and the
// INVITE 487).
func (d *driver) callerCancel(c *call) {
	switch {
	case c.id == 0:
		c.over = true // before its arrival: arrive finds it over
	case !c.ended:
		d.feed(engine.Event{Kind: engine.EvCallerCancel, At: d.now(), Call: c.id})
	}
}

// callerGone: the caller's INVITE transaction ended. Before its final
// response (a transport failure) the engine ends the call without one.
func (d *driver) callerGone(c *call) {
	switch {
	case c.id == 0:
		c.over = true
	case !c.ended && !c.final:
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
	}
}

// hungUp is a BYE (or a dialog timeout) of a call ringd connected: the
// engine ends it (and writes the record of a group call).
func (d *driver) hungUp(callID string) {
	if pk, ok := d.pickups[callID]; ok {
		d.endPickup(pk, "")
		return
	}
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
