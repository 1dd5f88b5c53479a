package sip

import (
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
)

// run is the driver goroutine. It returns when its stop is over (evStop)
// or done is closed (the server's context ended: calls are dropped).
func (d *driver) run(done <-chan struct{}) {
	defer close(d.exited)
	defer d.inbox.close()
	d.refreshAll()
	d.drain()
	d.groupSeries()  // and every group's series, at 0
	d.memberGauges() // scrapes before the first call see every member
	d.timers.Set(&d.chores, d.now()+int64(time.Second))
	for {
		select {
		case <-done:
			return
		case <-d.inbox.bell:
			for _, ev := range d.inbox.take() {
				d.handle(&ev)
				d.drain()
			}
		case <-d.timer.C():
			d.armedAt = 0
		}
		d.fireDue()
		d.eng.TakeSkips(d.skipped)
		if d.hooks.Cluster != nil {
			d.eng.TakeShared(d.shareMemory)
		}
		d.flushBLF()
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
		d.drain()
		close(ev.done)
	case evDrain:
		d.draining = true
		d.drainers = append(d.drainers, ev.done)
	case evStop:
		d.shutdown()
	case evRemote:
		d.remoteChange(ev.remote)
	case evRemoteSync:
		d.remoteSync(ev.exts, ev.busy, ev.memories)
	case evSubscribe:
		d.subscribe(ev.req, ev.tx, ev.id)
		ev.ok <- true
	}
}

// drain steps the engine events fed so far, and those their actions feed.
func (d *driver) drain() {
	for i := 0; i < len(d.fed); i++ {
		d.step(d.fed[i])
	}
	clear(d.fed)
	d.fed = d.fed[:0]
}

// step feeds one event to the engine and carries out its actions. An
// arrival's call is known before its actions are; one the engine does not
// take (its group or extension is gone) is answered 404.
func (d *driver) step(f fedEvent) {
	ev := f.ev
	if d.hooks.Events != nil {
		d.hooks.Events(ev)
	}
	touched := f.c
	if touched == nil {
		touched = d.calls[ev.Call]
	}
	d.touchBLF(touched)
	defer d.touchBLF(touched) // the states it leaves
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
	if f.pick != nil {
		d.execPickup(f.pick)
		return
	}
	switch {
	case f.c != nil && id == 0:
		d.respondCaller(f.c, 404)
	case f.c != nil:
		f.c.id = id
		d.admitted(f.c)
	case ev.Kind == engine.EvStart:
		if c := d.calls[ev.Call]; c != nil {
			d.plan(c)
		}
	}
	d.exec(d.out)
}

// fireDue runs every deadline that has come, and steps what it feeds.
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
			// its time is up: over() tells
		}
		d.drain()
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
