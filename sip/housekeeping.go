package sip

import "sync"

// housekeeping runs once a second on the driver: registrations that
// expired take their extensions offline, connected calls whose BYE never
// came (or whose 2xx was never acknowledged) end, and the flood
// protection forgets the sources it no longer needs.
func (d *driver) housekeeping() {
	now := d.clock.Now()
	for _, ext := range d.loc.Expire(now) {
		d.refreshMember(ext)
	}
	ids, freed := d.dialogs.Expire(now, d.set.DialogTimeout)
	d.busyChanged(freed)
	for _, id := range ids {
		d.hungUp(id)
	}
	if d.sweep != nil {
		d.sweep()
	}
}

// localDialogs are the Call-IDs of the dialogs ringd itself is an end of
// (pages, greetings): the handlers look them up to hand their ACK and BYE
// to the driver, which alone adds and removes them. Safe for concurrent
// use.
type localDialogs struct{ ids sync.Map }

func (l *localDialogs) add(id string)      { l.ids.Store(id, struct{}{}) }
func (l *localDialogs) remove(id string)   { l.ids.Delete(id) }
func (l *localDialogs) has(id string) bool { _, ok := l.ids.Load(id); return ok }
