package sip

import (
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/dialogs"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/metrics"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/registrar"
)

// driver is the one goroutine that owns every call (DESIGN: one owner per
// call): the routing engine, each call's legs, forks and client
// transactions, the connected calls (busy state), pages and greetings.
// Everything else talks to it through typed events on its inbox. It
// turns SIP events into engine events (feed), carries out the engine's
// actions (exec), and waits on one clock timer for the earliest of its
// deadlines: the engine's, the SIP timers of its transactions, a
// greeting's wait for its ACK, its housekeeping.
type driver struct {
	eng     *engine.Engine
	clock   clock.Clock
	base    time.Time // engine time 0
	timer   clock.Timer
	armedAt int64 // the instant timer is armed for (0: not armed)
	timers  clock.Deadlines
	inbox   *inbox
	log     *zap.Logger
	metrics *metrics.Metrics
	replies replies
	hooks   Hooks
	self    proxy.Self
	loc     *registrar.Location
	send    *sender
	rtp     *media.Ports
	local   *localDialogs
	sweep   func()    // the flood protection's housekeeping
	set     *Settings // the settings, as the driver has applied them

	dialogs  *dialogs.Dialogs
	calls    map[engineCallID]*call
	talking  map[string]*call            // connected calls by Call-ID, until the BYE
	pages    map[string]*call            // answered pages by Call-ID, until the caller's BYE
	greets   map[string]*greeting        // play_greeting failovers by Call-ID
	branches map[string]*proxy.Branch    // INVITE client transactions by Via branch
	requests map[string]*proxy.RequestTx // CANCEL and BYE client transactions by Via branch

	out      []engine.Action
	feeding  bool           // an engine event's actions are being carried out
	later    []engine.Event // engine events raised meanwhile, fed next
	arriving *call          // the call an arrival being fed is for

	engineDue   deadlineOf // the engine's next deadline
	chores      deadlineOf // housekeeping, once a second
	draining    bool
	drainers    []chan struct{} // closed once no call rings
	stopping    *stopping       // set by evStop: what the driver waits for before it returns
	gaugesDirty bool            // member states changed: refresh ringd_members after this batch
	exited      chan struct{}   // closed when run returns
}

type engineCallID = engine.CallID

// deadlineOf is a named deadline of the driver's own (the engine's, the
// housekeeping's, the stop's).
type deadlineOf struct {
	clock.Deadline
	name string
}

func newDriver(set *Settings, clk clock.Clock, log *zap.Logger, m *metrics.Metrics, hooks Hooks, self proxy.Self,
	loc *registrar.Location, send *sender, local *localDialogs) *driver {
	d := &driver{
		clock: clk, base: clk.Now(), timer: clk.NewTimer(), inbox: send.inbox, log: log, metrics: m,
		replies: replies{m}, hooks: hooks, self: self, loc: loc, send: send, local: local, set: set,
		dialogs: dialogs.New(), calls: map[engineCallID]*call{}, talking: map[string]*call{},
		pages: map[string]*call{}, greets: map[string]*greeting{},
		branches: map[string]*proxy.Branch{}, requests: map[string]*proxy.RequestTx{},
		out: make([]engine.Action, 0, 64), exited: make(chan struct{}),
		engineDue: deadlineOf{name: "engine"}, chores: deadlineOf{name: "housekeeping"},
	}
	d.eng = engine.New(set.Snapshot)
	d.eng.Reserve(readyCallSlots)
	return d
}

// now is the driver's time: nanoseconds since it was made, on its clock;
// the engine runs on it.
func (d *driver) now() int64 { return int64(d.clock.Now().Sub(d.base)) }

// post queues an event; false when the inbox refuses it.
func (d *driver) post(ev event, a admission) bool { return d.inbox.put(ev, a) }

// run is the driver goroutine. It returns when stop is over (evStop) or
// done is closed (the server's context ended: calls are dropped).
func (d *driver) run(done <-chan struct{}) {
	defer close(d.exited)
	defer d.inbox.close()
	d.refreshAll()
	d.memberGauges() // scrapes before the first call see every member
	d.timers.Set(&d.chores, d.now()+int64(time.Second))
	for {
		select {
		case <-done:
			return
		case <-d.inbox.bell:
			for _, ev := range d.inbox.take() {
				d.handle(&ev)
			}
		case <-d.timer.C():
			d.armedAt = 0
		}
		d.fireDue()
		if d.gaugesDirty {
			d.gaugesDirty = false
			d.memberGauges()
		}
		d.tellDrainers()
		if d.stopping != nil && d.stopping.over(d) {
			return
		}
		d.rearm()
	}
}

// handle carries out one event.
func (d *driver) handle(ev *event) {
	switch ev.kind {
	case evInvite:
		d.arrive(ev.call)
	case evCallerCancel:
		d.callerCancel(ev.call)
	case evCallerGone:
		d.callerGone(ev.call)
	case evResponse:
		d.response(ev.res)
	case evWritten:
		d.written(ev.req, ev.key, ev.fail)
	case evDialogAck:
		d.dialogs.Confirm(ev.id)
	case evDialogBye:
		d.busyChanged(d.dialogs.End(ev.id))
		d.hungUp(ev.id)
	case evLocalAck:
		d.localAck(ev.id)
	case evLocalBye:
		ev.ok <- d.localBye(ev.req)
	case evPromptsOver:
		d.promptsOver(ev.call)
	case evMembers:
		for _, ext := range ev.exts {
			d.refreshMember(ext)
		}
	case evApply:
		d.apply(ev.set)
	case evQuery:
		d.answer(ev.q)
	case evShrink:
		d.shrink()
		close(ev.done)
	case evDrain:
		d.draining = true
		d.drainers = append(d.drainers, ev.done)
	case evStop:
		d.shutdown()
	}
}

// fireDue runs every deadline that has come.
func (d *driver) fireDue() {
	for {
		now := d.now()
		t := d.timers.Due(now)
		if t == nil {
			return
		}
		switch t := t.(type) {
		case *proxy.Branch:
			t.Fork.Fire(t, now)
		case *proxy.RequestTx:
			d.fireRequest(t, now)
		case *greeting:
			d.greetingTimeout(t)
		case *deadlineOf:
			switch t {
			case &d.engineDue:
				d.feed(engine.Event{Kind: engine.EvTick, At: now})
			case &d.chores:
				d.housekeeping()
				d.timers.Set(&d.chores, now+int64(time.Second))
			}
		case *stopping:
			// its deadline passed: over() now says so
		}
	}
}

// rearm arms the clock timer for the earliest deadline.
func (d *driver) rearm() {
	if at, ok := d.eng.NextDeadline(); ok {
		d.timers.Set(&d.engineDue, at)
	} else {
		d.timers.Clear(&d.engineDue)
	}
	at, ok := d.timers.Next()
	if !ok {
		if d.armedAt != 0 {
			d.timer.Stop()
			d.armedAt = 0
		}
		return
	}
	if d.armedAt == at {
		return
	}
	d.timer.Reset(time.Duration(at - d.now()))
	d.armedAt = at
}

// arm sets (or clears) the deadline of a client transaction from what it
// asks for.
func (d *driver) arm(t clock.Timed, at int64, ok bool) {
	if ok {
		d.timers.Set(t, at)
	} else {
		d.timers.Clear(t)
	}
}

// feed steps the engine with ev and carries out its actions. An engine
// event raised while actions are carried out (a leg that fails at once,
// an answer that cannot be relayed) is fed once they are done: the
// engine is never stepped while its output is read.
func (d *driver) feed(ev engine.Event) {
	if d.feeding {
		d.later = append(d.later, ev)
		return
	}
	d.feeding = true
	d.step(ev)
	for len(d.later) > 0 {
		next := d.later[0]
		d.later = d.later[1:]
		d.step(next)
	}
	d.later = d.later[:0]
	d.feeding = false
}

// step feeds one event and carries out its actions.
func (d *driver) step(ev engine.Event) {
	if d.hooks.Events != nil {
		d.hooks.Events(ev)
	}
	var id engine.CallID
	if ev.Kind == engine.EvArrive || ev.Kind == engine.EvStart {
		// How long the engine takes to decide how a group call rings: its
		// arguments are ready, its actions not yet carried out.
		t0 := d.clock.Now()
		id, d.out = d.eng.Step(ev, d.out[:0])
		d.metrics.Decided(d.clock.Now().Sub(t0))
	} else {
		id, d.out = d.eng.Step(ev, d.out[:0])
	}
	if id != 0 { // an arrival: its call is known before its actions are carried out
		c := d.arriving
		d.arriving = nil
		c.id = id
		d.calls[id] = c
		d.admitted(c)
	}
	d.exec(d.out)
}
