package sip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/metrics"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/sip/transport"
)

// New builds a server; Start binds and serves.
func New(set Settings, log *zap.Logger, hooks ...Hooks) (*Server, error) {
	if set.Snapshot == nil {
		return nil, errors.New("sip: no routing snapshot")
	}
	if len(set.Listen) == 0 {
		return nil, errors.New("sip: no listen address")
	}
	set.defaults()
	s := &Server{log: log, clock: clock.Real(), local: &localDialogs{}}
	if len(hooks) > 0 {
		s.hooks = hooks[0]
	}
	if s.hooks.Clock != nil {
		s.clock = s.hooks.Clock
	}
	if reg := s.hooks.Metrics; reg != nil {
		s.metrics = metrics.New(reg)
	}
	s.replies = replies{s.metrics}
	s.certs = &transport.Certificates{}
	if set.TLS != nil {
		if err := s.certs.Load(*set.TLS); err != nil {
			return nil, fmt.Errorf("sip.tls: %w", err)
		}
	}
	s.listeners = transport.NewListeners(log, set.Domain, set.Aliases, s.certs)
	s.filter = transport.NewFilter(set.policy(), s.clock, s.metrics, log, s.listeners)
	s.listeners.Gate = s.filter
	if h := s.hooks.Ban; h != nil {
		s.filter.OnBan = func(ip netip.Addr, until time.Time, reason string) { h(ip, until, reason, false) }
	}
	s.auth = registrar.NewDigest(set.Domain)
	if n := s.hooks.Cluster; n != nil {
		s.auth = registrar.NewDigest(set.Domain, n.Secret()) // a nonce from one node is good on all
	}
	s.auth.SetAlgorithms(set.DigestAlgorithms)
	s.loc = registrar.NewLocation()
	s.loc.SetStatic(staticContacts(&set))
	// sipgo's parser keeps its ceiling (65,535 bytes, the largest
	// max_message): the filter applies the max_message in force.
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("ringd"), sipgo.WithUserAgentHostname(set.Domain),
		sipgo.WithUserAgenTLSConfig(s.certs.ClientConfig()),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerReadFilter(s.filter.Read)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerUnhandledResponseHandler(s.onResponse)))
	if err != nil {
		return nil, err
	}
	s.filter.StreamConn = func(network, remote string) io.Writer {
		c, err := ua.TransportLayer().GetConnection(network, remote)
		if err != nil {
			return nil
		}
		w, _ := c.(io.Writer)
		return w
	}
	if s.client, err = sipgo.NewClient(ua); err != nil {
		return nil, err
	}
	if s.srv, err = sipgo.NewServer(ua); err != nil {
		return nil, err
	}
	s.ua = ua
	s.settings.Store(&set)
	s.registrar = &registrar.Registrar{Location: s.loc, Auth: s.auth, Clock: s.clock, Password: s.password,
		Expires: func() (time.Duration, time.Duration) {
			st := s.settings.Load()
			return st.RegisterMinExpires, st.RegisterMaxExpires
		},
		Changed:    func(ext string) { s.drv.post(event{kind: evMembers, exts: []string{ext}}, always) },
		Binding:    s.shareBinding,
		AuthFailed: s.filter.AuthFailed,
	}
	s.send = newSender(s.client, newInbox())
	s.drv = newDriver(s.settings.Load(), s.clock, log, s.metrics, s.hooks, s.listeners, s.loc, s.send, s.local)
	s.drv.sweep = s.filter.Sweep
	s.drv.bindingGone = func(ext string, b registrar.Binding) { s.shareBinding(ext, b, true) }
	s.reach = reach{loc: s.loc, clock: s.clock, open: s.flowOpen}
	s.drv.reach, s.drv.consumed = s.reach, s.auth.Ours
	if reg := s.hooks.Metrics; reg != nil {
		reg.MustRegister(metrics.Registrations(func() int { return s.loc.Count(s.clock.Now()) }),
			metrics.BannedSources(s.filter.BannedCount))
	}
	s.routes()
	s.joinCluster()
	return s, nil
}

// Start binds every listener and starts serving; it returns once they are
// bound. Serving stops when ctx ends (calls are dropped) or Close is
// called.
func (s *Server) Start(ctx context.Context) error {
	for _, l := range s.settings.Load().Listen {
		if err := s.listeners.Listen(s.srv, l); err != nil {
			s.listeners.Close()
			return err
		}
	}
	rtp, err := openRTP(s.settings.Load(), s.listeners.Bound())
	if err != nil {
		s.listeners.Close()
		return err
	}
	s.drv.rtp = rtp
	s.send.start()
	s.started.Store(true)
	go s.drv.run(ctx.Done())
	return nil
}
