package sip

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/cluster"
	"github.com/ringd/ringd/sip/registrar"
)

// A node of a cluster (SPEC §12; Hooks.Cluster). What this node's
// registrar binds is shared (cluster.ShareBinding) and what the others
// bind is put in the local Location with the node that holds it: a UDP
// contact is rung from here as it is, one on a connection the other node
// holds is reached through that node (a Path of one entry: the node, as
// an edge proxy). Busy marks are shared per node (sharedbusy.go). After
// every (re)subscription a node pushes its own state again and reads the
// others' back.

// joinCluster wires the server to its cluster node.
func (s *Server) joinCluster() {
	n := s.hooks.Cluster
	if n == nil {
		return
	}
	n.OnMessage(s.fromCluster)
	n.OnResync(s.resyncCluster)
	keep := s.filter.OnBan
	s.filter.OnBan = func(ip netip.Addr, until time.Time, reason string) {
		if keep != nil {
			keep(ip, until, reason)
		}
		n.ShareBan(ip.String(), until, reason)
	}
}

// shareBinding is the registrar's Binding hook in a cluster: the program's
// hook, then the cluster.
func (s *Server) shareBinding(ext string, b registrar.Binding, removed bool) {
	if h := s.hooks.Binding; h != nil {
		h(ext, b, removed)
	}
	if n := s.hooks.Cluster; n != nil && b.Node == "" {
		n.ShareBinding(ext, toShared(b), removed)
	}
}

func toShared(b registrar.Binding) cluster.Binding {
	return cluster.Binding{Contact: b.Contact.String(), Expires: b.Expires, CallID: b.CallID, CSeq: b.CSeq, Source: b.Source,
		Transport: b.Transport, Path: registrar.FormatPath(b.Path), UserAgent: b.UserAgent}
}

// fromCluster takes another node's message (on the subscription's
// goroutine).
func (s *Server) fromCluster(m cluster.Message) {
	switch m.Kind {
	case cluster.KindBinding:
		if m.Binding != nil {
			s.remoteBinding(m.Ext, *m.Binding, m.Removed)
		}
	case cluster.KindBan:
		if ip, err := netip.ParseAddr(m.Source); err == nil {
			s.filter.Impose(ip, time.Unix(0, m.Until), m.Reason)
		}
	case cluster.KindBusy, cluster.KindLeft, cluster.KindMemory:
		s.drv.post(event{kind: evRemote, remote: &m}, always)
	}
}

// remoteBinding puts another node's binding in the local Location (or
// takes it out) and tells the driver the extension may have changed.
func (s *Server) remoteBinding(ext string, sb cluster.Binding, removed bool) {
	b, ok := s.fromShared(sb)
	if !ok {
		return
	}
	now := s.clock.Now()
	if removed {
		s.loc.Drop(ext, b.Contact, now)
	} else {
		s.loc.Update(ext, []registrar.Binding{b}, now)
	}
	s.drv.post(event{kind: evMembers, exts: []string{ext}}, always)
}

// fromShared turns a shared binding into a Location entry held by its
// node; one on a connection (TCP, TLS, WebSocket) without a Path of its
// own is routed through that node.
func (s *Server) fromShared(sb cluster.Binding) (registrar.Binding, bool) {
	var u sip.Uri
	if sip.ParseUri(sb.Contact, &u) != nil {
		return registrar.Binding{}, false
	}
	path := sb.Path
	flow := sb.Transport != "" && !strings.EqualFold(sb.Transport, "UDP")
	if flow && path == "" {
		route, ok := s.routeTo(sb.Node)
		if !ok {
			s.log.Warn("cluster: a contact on a connection of an unknown node", zap.String("node", sb.Node), zap.String("contact", sb.Contact))
			return registrar.Binding{}, false
		}
		path = route
	}
	b, err := registrar.Restored(u, sb.Expires, sb.CallID, sb.CSeq, sb.Source, sb.Transport, path, sb.UserAgent)
	if err != nil {
		return registrar.Binding{}, false
	}
	b.Node = sb.Node
	return b, true
}

// routeTo is the Route entry of another node: its first UDP listener,
// else its first listener, as a loose route.
func (s *Server) routeTo(node string) (string, bool) {
	p, ok := s.hooks.Cluster.Peer(node)
	if !ok || len(p.SIP) == 0 {
		return "", false
	}
	pick := p.SIP[0]
	for _, l := range p.SIP {
		if strings.HasPrefix(l, "udp://") {
			pick = l
			break
		}
	}
	scheme, hostport, _ := strings.Cut(pick, "://")
	if ap, err := netip.ParseAddrPort(hostport); err != nil || !ap.IsValid() {
		return "", false
	}
	return "<sip:" + hostport + ";transport=" + scheme + ";lr>", true
}

// resyncCluster pushes this node's registrations again and reads every
// node's back (after a (re)subscription: messages may have been missed).
func (s *Server) resyncCluster() {
	n := s.hooks.Cluster
	now := s.clock.Now()
	for ext, bs := range s.loc.All(now) {
		for _, b := range bs {
			if b.Node == "" && b.CallID != "" { // registered here (static contacts have no Call-ID)
				n.ShareBinding(ext, toShared(b), false)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	all, err := n.Bindings(ctx)
	if err != nil {
		s.log.Warn("cluster: bindings not read back", zap.Error(err))
		return
	}
	var exts []string
	shared := map[string]bool{} // ext + contact of every other node's binding
	for ext, bs := range all {
		for _, sb := range bs {
			if sb.Node == n.Name() {
				continue
			}
			if b, ok := s.fromShared(sb); ok {
				s.loc.Update(ext, []registrar.Binding{b}, now)
				shared[ext+" "+b.Contact.String()] = true
				exts = append(exts, ext)
			}
		}
	}
	for ext, bs := range s.loc.All(now) { // removed while this node was not listening
		for _, b := range bs {
			if b.Node != "" && !shared[ext+" "+b.Contact.String()] {
				s.loc.Drop(ext, b.Contact, now)
				exts = append(exts, ext)
			}
		}
	}
	busy, err := n.BusyMarks(ctx)
	if err != nil {
		s.log.Warn("cluster: busy marks not read back", zap.Error(err))
	}
	if bans, err := n.Bans(ctx); err == nil {
		for _, b := range bans {
			if ip, err := netip.ParseAddr(b.Source); err == nil {
				s.filter.Impose(ip, b.Until, b.Reason)
			}
		}
	}
	memories, err := n.Memories(ctx)
	if err != nil {
		s.log.Warn("cluster: group memory not read back", zap.Error(err))
	}
	s.drv.post(event{kind: evRemoteSync, exts: exts, busy: busy, memories: memories}, always)
}
