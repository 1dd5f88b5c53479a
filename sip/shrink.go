package sip

import "github.com/ringd/ringd/engine"

// warmCallSlots is how many free engine call slots the driver keeps when
// it gives memory back after a burst: enough for the next calls to start
// without allocating.
const warmCallSlots = 256

// shrink gives back what the driver and the engine kept for the busiest
// moment: the engine's call slots beyond warmCallSlots, and the driver's
// tables, which Go never shrinks (each is rebuilt at its present size;
// maps.Clone would keep the old size). The program calls it (Server.Shrink)
// before it returns memory to the OS after a load.
func (d *driver) shrink() {
	d.feed(engine.Event{Kind: engine.EvShrink, Slots: warmCallSlots})
	d.calls = resized(d.calls)
	d.talking = resized(d.talking)
	d.pages = resized(d.pages)
	d.greets = resized(d.greets)
	d.branches = resized(d.branches)
	d.requests = resized(d.requests)
	d.dialogs.Shrink()
	if cap(d.out) > 64 {
		d.out = make([]engine.Action, 0, 64)
	}
}

// resized copies m into a map sized for what it holds now.
func resized[K comparable, V any](m map[K]V) map[K]V {
	n := make(map[K]V, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}
