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

// driver is the one goroutine that owns every call (one owner per call):
// the routing engine, each call's legs, forks and client transactions,
// the connected calls (busy state), pages and greetings. Everything else
// talks to it through typed events on its inbox. It turns SIP events into
// engine events (feed), carries out the engine's actions (exec), and
// waits on one clock timer for the earliest of its deadlines: the
// engine's, the SIP timers of its transactions, a greeting's wait for its
// ACK, its housekeeping (loop.go has the loop).
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
	reach   reach
	// consumed picks the credentials of ringd's realm: not forwarded.
	consumed func(string) bool
	send     *sender
	rtp      *media.Ports
	local    *localDialogs
	keep     keepalives // NAT keep-alives
	sweep    func()     // the flood protection's housekeeping
	set      *Settings  // the settings, as the driver has applied them

	dialogs    *dialogs.Dialogs
	calls      map[engine.CallID]*call
	talking    map[string]*call     // connected calls by Call-ID, until the BYE
	pages      map[string]*call     // answered pages by Call-ID, until the caller's BYE
	pageLegs   map[string]*leg      // the members' dialogs of the pages by their Call-ID, until a BYE
	greets     map[string]*greeting // play_greeting failovers by Call-ID
	pickups    map[string]*pickup   // calls picked up, by the Call-ID of either side, until a BYE
	blf        blf                  // BLF subscriptions and what their watchers were told
	remote     remoteBusy           // cluster: the other nodes' busy marks
	shared     map[string]bool      // cluster: the extensions this node has marked busy
	remembered int                  // cluster: the other nodes' memory changes fed to the engine
	// bindingGone tells of a contact the driver dropped (its keep-alives
	// went unanswered), as the registrar tells of its own changes.
	bindingGone func(ext string, b registrar.Binding)
	branches    map[string]*proxy.Branch    // INVITE client transactions by Via branch
	requests    map[string]*proxy.RequestTx // CANCEL and BYE client transactions by Via branch

	out     []engine.Action
	fed     []fedEvent // engine events waiting to be stepped, in order
	picking *pickup    // the pickup whose EvPickup is being carried out

	engineDue   deadlineOf // the engine's next deadline
	chores      deadlineOf // housekeeping, once a second
	draining    bool
	drainers    []chan struct{} // closed once no call rings
	stopping    *stopping       // set by evStop: what the driver waits for before it returns
	gaugesDirty bool            // member states changed: refresh ringd_members after this batch
	logFields   []zap.Field     // record's fields of a call's log line, reused
	exited      chan struct{}   // closed when run returns
}

// readyCallSlots is how many engine call slots the driver keeps built
// ahead of arrivals (engine.Reserve, after each arrival's decision), so
// that a decision made while calls climb to a new peak does not build one.
const readyCallSlots = 32

// deadlineOf is a named deadline of the driver's own (the engine's, the
// housekeeping's).
type deadlineOf struct {
	clock.Deadline
	name string
}

// stopping is what a stopping driver waits for before it returns (see
// shutdown.go).
type stopping struct {
	clock.Deadline
	owedUntil, sendUntil int64
}

func newDriver(set *Settings, clk clock.Clock, log *zap.Logger, m *metrics.Metrics, hooks Hooks, self proxy.Self,
	loc *registrar.Location, send *sender, local *localDialogs) *driver {
	d := &driver{
		clock: clk, base: clk.Now(), timer: clk.NewTimer(), inbox: send.inbox, log: log, metrics: m,
		replies: replies{m}, hooks: hooks, self: self, loc: loc, send: send, local: local, set: set,
		dialogs: dialogs.New(), calls: map[engine.CallID]*call{}, talking: map[string]*call{},
		pages: map[string]*call{}, pageLegs: map[string]*leg{}, greets: map[string]*greeting{}, pickups: map[string]*pickup{}, blf: newBLF(),
		remote: remoteBusy{}, shared: map[string]bool{},
		branches: map[string]*proxy.Branch{}, requests: map[string]*proxy.RequestTx{},
		out: make([]engine.Action, 0, 64), exited: make(chan struct{}),
		engineDue: deadlineOf{name: "engine"}, chores: deadlineOf{name: "housekeeping"},
	}
	d.eng = engine.New(set.Snapshot)
	d.eng.ShareMemory(hooks.Cluster != nil)
	d.feed(engine.Event{Kind: engine.EvReserve, Slots: readyCallSlots})
	return d
}

// now is the driver's time: nanoseconds since it was made, on its clock;
// the engine runs on it.
func (d *driver) now() int64 { return int64(d.clock.Now().Sub(d.base)) }

// post queues an event; false when the inbox refuses it.
func (d *driver) post(ev event, a admission) bool { return d.inbox.put(ev, a) }

// fedEvent is an engine event waiting to be stepped; an arrival carries
// its call.
type fedEvent struct {
	ev   engine.Event
	c    *call
	pick *pickup // EvPickup: the pickup it is for
}

// feed queues an engine event. The loop steps what was fed, in order, once
// the event or deadline at hand is handled, and carries out the actions
// (which may feed more): the engine is never stepped while its output is
// read.
func (d *driver) feed(ev engine.Event) { d.fed = append(d.fed, fedEvent{ev: ev}) }

// arm sets (or clears) the deadline of a client transaction from what it
// asks for.
func (d *driver) arm(t clock.Timed, at int64, ok bool) {
	if ok {
		d.timers.Set(t, at)
	} else {
		d.timers.Clear(t)
	}
}
