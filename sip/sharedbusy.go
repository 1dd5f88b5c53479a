package sip

import "github.com/ringd/ringd/sip/cluster"

// Busy marks in a cluster: an extension is busy when any node has it on a
// call. This node publishes its own mark of an extension whenever it
// changes (busyChanged) and keeps the others' marks, by node, from their
// messages and from every resync; a node gone takes its marks with it.

// remoteBusy are the other nodes' busy marks: extension -> nodes.
type remoteBusy map[string]map[string]bool

// busyElsewhere reports whether another node has ext on a call.
func (d *driver) busyElsewhere(ext string) bool { return len(d.remote[ext]) > 0 }

// shareBusy publishes this node's busy mark of ext when it changed.
func (d *driver) shareBusy(ext string) {
	n := d.hooks.Cluster
	if n == nil {
		return
	}
	busy := d.dialogs.Busy(ext)
	if d.shared[ext] == busy {
		return
	}
	if busy {
		d.shared[ext] = true
	} else {
		delete(d.shared, ext)
	}
	n.SetBusy(ext, busy)
}

// remoteChange takes another node's busy mark, or its departure.
func (d *driver) remoteChange(m *cluster.Message) {
	switch m.Kind {
	case cluster.KindBusy:
		d.setRemoteBusy(m.Node, m.Ext, m.Busy)
		d.refreshMember(m.Ext)
	case cluster.KindMemory:
		if m.Memory != nil {
			d.remoteMemory(*m.Memory)
		}
	case cluster.KindLeft:
		for ext, nodes := range d.remote {
			if nodes[m.Node] {
				d.setRemoteBusy(m.Node, ext, false)
				d.refreshMember(ext)
			}
		}
	}
}

func (d *driver) setRemoteBusy(node, ext string, busy bool) {
	nodes := d.remote[ext]
	switch {
	case busy && nodes == nil:
		d.remote[ext] = map[string]bool{node: true}
	case busy:
		nodes[node] = true
	case nodes != nil:
		delete(nodes, node)
		if len(nodes) == 0 {
			delete(d.remote, ext)
		}
	}
}

// remoteSync replaces the other nodes' busy marks with what was read back,
// publishes this node's own again, and refreshes every extension touched.
func (d *driver) remoteSync(exts []string, busy map[string][]string, memories []cluster.Memory) {
	for _, m := range memories { // in the order they happened
		d.remoteMemory(m)
	}
	self := d.hooks.Cluster.Name()
	old := d.remote
	d.remote = remoteBusy{}
	for node, marks := range busy {
		if node == self {
			continue
		}
		for _, ext := range marks {
			d.setRemoteBusy(node, ext, true)
		}
	}
	for ext := range d.shared { // this node's own marks, again
		d.hooks.Cluster.SetBusy(ext, true)
	}
	for ext := range old {
		d.refreshMember(ext)
	}
	for ext := range d.remote {
		d.refreshMember(ext)
	}
	for _, ext := range exts {
		d.refreshMember(ext)
	}
}
