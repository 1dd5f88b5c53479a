package sip

import (
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// Member state: what the engine knows of each extension (online, DND,
// busy) comes from the location service, the settings and the connected
// calls, and is brought up to date here whenever one of them changes.

func (d *driver) refreshAll() {
	for num := range d.set.Extensions {
		d.refreshMember(num)
	}
}

// refreshMember recomputes an extension's state and tells the engine when
// it changed.
func (d *driver) refreshMember(ext string) {
	id, ok := d.eng.Snapshot().Extension(ext)
	if !ok {
		return
	}
	var st strategy.MemberState
	if d.loc.Online(ext, d.clock.Now()) {
		st |= strategy.Online
	}
	if e, ok := d.set.Extensions[ext]; ok && e.DND {
		st |= strategy.DND
	}
	if e, ok := d.set.Extensions[ext]; ok && e.LoggedOut {
		st |= strategy.LoggedOut
	}
	if d.dialogs.Busy(ext) || d.busyElsewhere(ext) {
		st |= strategy.Busy
	}
	if d.eng.Member(id) != st {
		d.feed(engine.Event{Kind: engine.EvMember, At: d.now(), Ext: id, State: st})
		d.gaugesDirty = true
	}
}

// busyChanged tells the engine about extensions whose busy state changed.
func (d *driver) busyChanged(exts []string) {
	for _, e := range exts {
		d.shareBusy(e)
		d.refreshMember(e)
	}
}

// memberGauges refreshes ringd_members from the engine's member states.
func (d *driver) memberGauges() {
	d.metrics.MemberStates(d.eng.Snapshot(), func(ext int32) strategy.MemberState { return d.eng.Member(strategy.ExtID(ext)) })
}

// groupSeries creates the per-group metric series of the settings'
// groups at 0 (at start and on every apply), so that a scrape sees every
// family of every group before its first call. (d.set, not the engine's
// snapshot: apply's EvSnapshot is only queued.)
func (d *driver) groupSeries() { d.metrics.Groups(d.set.Snapshot) }

// apply takes new settings: new calls route with the new snapshot, calls
// in progress keep theirs.
func (d *driver) apply(set *Settings) {
	d.set = set
	d.feed(engine.Event{Kind: engine.EvSnapshot, Snap: set.Snapshot})
	d.groupSeries()
	d.refreshAll()
	d.gaugesDirty = true
}

// skipped counts a member the engine left out of a group's call
// (ringd_member_skips_total).
func (d *driver) skipped(g engine.GroupID, r engine.SkipReason) {
	if gr := d.eng.Snapshot().Groups; int(g) < len(gr) {
		d.metrics.Skip(gr[g].Number, r.String())
	}
}
