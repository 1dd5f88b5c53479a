package sip

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/metrics"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/sip/transport"
)

// Server is ringd's SIP proxy and registrar: sipgo's user agent, the
// listeners and their protection, the handlers of every request, the
// registrar, and the driver that owns every call.
type Server struct {
	hooks   Hooks
	metrics *metrics.Metrics
	log     *zap.Logger
	clock   clock.Clock
	replies replies

	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client

	settings  atomic.Pointer[Settings]
	listeners *transport.Listeners
	certs     *transport.Certificates
	filter    *transport.Filter
	auth      *registrar.Digest
	loc       *registrar.Location
	reach     reach
	registrar *registrar.Registrar
	local     *localDialogs
	send      *sender
	drv       *driver
	handlers  map[sip.RequestMethod]func(*sip.Request, sip.ServerTransaction)

	started  atomic.Bool
	draining atomic.Bool
	closed   sync.Once
}

// Close ends the calls still in progress - each writes its record: a
// ringing one is aborted (its legs cancelled, 503 to the caller), a
// connected one ends now - lets the CANCELs and BYEs this sends go out,
// then stops listening. No hook is called after it returns. Drain first
// for a graceful stop.
func (s *Server) Close() {
	s.closed.Do(func() {
		if s.started.Load() {
			s.drv.post(event{kind: evStop}, always)
			<-s.drv.exited
			s.send.stop()
		}
		s.listeners.Close()
		_ = s.ua.Close()
	})
}

// Apply swaps the settings at run time: new calls route with the new
// snapshot; calls in progress keep theirs; the TLS files are read again.
// Listen addresses do not change.
func (s *Server) Apply(n Settings) {
	old := s.settings.Load()
	n.Listen = old.Listen
	n.defaults()
	s.settings.Store(&n)
	s.loc.SetStatic(staticContacts(&n))
	s.filter.SetPolicy(n.policy())
	s.listeners.SetNames(n.Domain, n.Aliases)
	s.auth.SetAlgorithms(n.DigestAlgorithms)
	if n.TLS != nil {
		// The files are read again: a renewed certificate is served from
		// the next handshake on. Bad files keep the material in use.
		if err := s.certs.Load(*n.TLS); err != nil {
			s.log.Error("TLS files not reloaded; still serving the previous ones", zap.Error(err))
		}
	}
	s.drv.post(event{kind: evApply, set: &n}, always)
}

// Drain stops taking new calls (503 with Retry-After) and waits until no
// call rings any more, or ctx ends. Connected calls are not waited for.
func (s *Server) Drain(ctx context.Context) {
	s.draining.Store(true)
	done := make(chan struct{})
	if !s.drv.post(event{kind: evDrain, done: done}, always) {
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	case <-s.drv.exited:
	}
}

// Shrink gives back the memory the busiest moment left in the driver and
// the engine (see driver.shrink); the program calls it once a load has
// passed, before it returns memory to the OS.
func (s *Server) Shrink() {
	done := make(chan struct{})
	if s.drv.post(event{kind: evShrink, done: done}, always) {
		select {
		case <-done:
		case <-s.drv.exited:
		}
	}
}

// ask has the driver answer q; false when it has stopped.
func (s *Server) ask(q *query) bool {
	q.done = make(chan struct{})
	if !s.drv.post(event{kind: evQuery, q: q}, always) {
		return false
	}
	select {
	case <-q.done:
		return true
	case <-s.drv.exited:
		return false
	}
}

// Bound returns the addresses actually bound (useful with port 0).
func (s *Server) Bound() []transport.Listener { return s.listeners.Bound() }

// ActiveCalls is the number of group calls in progress (ringing or
// connected) whose group stage goes on.
func (s *Server) ActiveCalls() int {
	q := &query{kind: qGroupCalls}
	s.ask(q)
	return q.n
}

// Calls returns the group calls in progress (GET /calls).
func (s *Server) Calls() []cdr.LiveCall {
	q := &query{kind: qCalls}
	s.ask(q)
	return q.calls
}

// MemberStates returns every extension's state as the engine knows it:
// online, DND, logged out, on a call (in a cluster: on any node), in a
// wrap-up.
func (s *Server) MemberStates() map[string]MemberNow {
	q := &query{kind: qMembers}
	s.ask(q)
	return q.states
}

// Registrations returns every live registered contact.
func (s *Server) Registrations() map[string][]registrar.Binding { return s.loc.All(s.clock.Now()) }

// RestoreBinding puts back a registration kept across a restart (if it has
// not expired yet): transport "" is UDP, path a Path header value,
// userAgent its REGISTER's User-Agent. Call it
// before Start.
func (s *Server) RestoreBinding(ext, contact string, expires time.Time, callID string, cseq uint32, source, transport, path, userAgent string) error {
	var u sip.Uri
	if err := sip.ParseUri(contact, &u); err != nil {
		return err
	}
	b, err := registrar.Restored(u, expires, callID, cseq, source, transport, path, userAgent)
	if err != nil {
		return err
	}
	s.loc.Update(ext, []registrar.Binding{b}, s.clock.Now())
	return nil
}

// Ready reports whether the server serves calls: listeners bound and not
// draining (GET /readyz).
func (s *Server) Ready() bool { return len(s.Bound()) > 0 && !s.draining.Load() }

// Bans lists the source addresses banned now (GET /api/v1/bans).
func (s *Server) Bans() []transport.Ban { return s.filter.Bans() }

// Unban lifts the ban of a source address; it reports whether it was
// banned.
func (s *Server) Unban(source string) (bool, error) {
	lifted, err := s.filter.Unban(source)
	if lifted && s.hooks.Ban != nil {
		ip, _ := netip.ParseAddr(source)
		s.hooks.Ban(ip.Unmap(), time.Time{}, "", true)
	}
	return lifted, err
}

// RestoreBan bans a source until a time a kept ban says (at start: bans
// survive a restart); a trusted source is left alone.
func (s *Server) RestoreBan(source netip.Addr, until time.Time, reason string) {
	s.filter.Impose(source, until, reason)
}

// password looks up an extension's digest password.
func (s *Server) password(user string) (string, bool) {
	e, ok := s.settings.Load().Extensions[user]
	if !ok || e.Password == "" {
		return "", false
	}
	return e.Password, true
}

// onResponse receives every response sipgo's transaction layer does not
// know: those of ringd's own client transactions, for the driver.
func (s *Server) onResponse(res *sip.Response) {
	if cseq := res.CSeq(); cseq != nil && (cseq.MethodName == sip.INVITE || cseq.MethodName == sip.CANCEL || cseq.MethodName == sip.BYE || cseq.MethodName == sip.OPTIONS || cseq.MethodName == sip.NOTIFY) {
		s.drv.post(event{kind: evResponse, res: res}, network)
	}
}

// staticContacts are the configured contacts of the extensions that do not
// register.
func staticContacts(s *Settings) map[string]sip.Uri {
	out := map[string]sip.Uri{}
	for num, e := range s.Extensions {
		if e.Contact == "" {
			continue
		}
		var u sip.Uri
		if err := sip.ParseUri(e.Contact, &u); err == nil {
			out[num] = u
		}
	}
	return out
}

// flowOpen reports whether sipgo holds an open connection to addr over a
// reliable transport.
func (s *Server) flowOpen(transport, addr string) bool {
	pool := s.ua.TransportLayer().Pool(transport)
	if pool == nil {
		return false
	}
	c := pool.Get(addr)
	if c == nil {
		return false
	}
	_, _ = c.TryClose() // Get took a reference
	return true
}
