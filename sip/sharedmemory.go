package sip

import (
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/cluster"
)

// Group memory in a cluster (engine/share.go): after each batch the
// driver publishes the engine's own memory changes, with wall-clock times
// (engine times mean nothing on another node), and feeds the others'
// back as EvShared.

// shareMemory publishes one change of this node's engine.
func (d *driver) shareMemory(s engine.Shared) {
	n := d.hooks.Cluster
	snap := d.eng.Snapshot()
	if n == nil || int(s.Ext) >= len(snap.Extensions) {
		return
	}
	m := cluster.Memory{What: s.Kind.String(), Ext: snap.Extensions[s.Ext].Number, At: d.wallAt(d.now())}
	if s.Group >= 0 && int(s.Group) < len(snap.Groups) {
		m.Group = snap.Groups[s.Group].Number
	}
	if s.Kind == engine.SharedRest || s.Kind == engine.SharedCool {
		m.At = d.wallAt(s.Until)
	}
	n.ShareMemory(m)
}

// remoteMemory feeds another node's change to the engine; one naming a
// group or extension this node does not have (yet) is dropped.
func (d *driver) remoteMemory(m cluster.Memory) {
	snap := d.eng.Snapshot()
	x, ok := snap.Extension(m.Ext)
	if !ok {
		return
	}
	s := engine.Shared{Ext: x, Group: -1}
	switch m.What {
	case "rung":
		s.Kind = engine.SharedRung
	case "answered":
		s.Kind = engine.SharedAnswered
	case "rest":
		s.Kind, s.Until = engine.SharedRest, d.engineAt(m.At)
	case "cool":
		s.Kind, s.Until = engine.SharedCool, d.engineAt(m.At)
	default:
		return
	}
	if m.Group != "" {
		if s.Group, ok = snap.Group(m.Group); !ok {
			return
		}
	}
	d.feed(engine.Event{Kind: engine.EvShared, Share: s})
	d.remembered++
}

// wallAt is the wall clock (Unix ns) at engine time t; engineAt the
// reverse.
func (d *driver) wallAt(t int64) int64      { return d.clock.Now().UnixNano() + (t - d.now()) }
func (d *driver) engineAt(wall int64) int64 { return d.now() + (wall - d.clock.Now().UnixNano()) }
