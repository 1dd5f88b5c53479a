package sip

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/media"
)

// Listener is one SIP listening address: Network "udp" or "tcp".
type Listener struct {
	Network string
	Addr    string // host:port; port 0 picks a free port (tests)
}

// Extension is what the SIP side needs to know of an extension.
type Extension struct {
	Password string
	Contact  string // static contact URI of a device that does not register ("" for none)
	DND      bool
	SeqRing  *SeqRing // enabled sequential ring, nil for none
}

// Settings is everything the SIP side is configured with. cmd builds it from
// the config file; Apply swaps it at run time.
type Settings struct {
	Domain string
	// Aliases are more hosts served as Domain (a Request-URI or Route
	// naming one is local), like Kamailio's alias.
	Aliases    []string
	Listen     []Listener
	Trusted    []netip.Prefix
	Extensions map[string]Extension // by number
	// Services are the URI templates of failover destinations by type name:
	// "trunk" with {number}, "ext_vm", "group_vm", "ivr", "call_flow",
	// "queue" with {value}.
	Services map[string]string
	Snapshot *engine.Snapshot
	// Prompts are the loaded prompt files (play_greeting plays them by
	// name); GroupMedia is what each ring group plays, by group number.
	Prompts    *media.Library
	GroupMedia map[string]GroupMedia
	// Clock is the wall clock calls are stamped with and schedules are read
	// at (nil: time.Now); tests set a fake one.
	Clock func() time.Time
	// RTPPortMin and RTPPortMax bound ringd's own RTP ports (read at New;
	// default 10000-20000).
	RTPPortMin, RTPPortMax int
	// Protection is the flood and scanner protection; its zero value turns
	// all of it off (cmd sets DefaultProtection unless configured).
	// MaxMessage is read at New.
	Protection Protection

	// Optional tuning (zero means the default).
	RegisterMaxExpires time.Duration // default 3600 s
	RegisterMinExpires time.Duration // default 60 s
	ExtensionRingTime  time.Duration // no-answer limit of plain extension calls and failover legs; default 60 s
	DialogTimeout      time.Duration // a call with no BYE seen frees its members after this; default 6 h
	ShutdownRetryAfter int           // Retry-After seconds on 503 while draining; default 30
}

// now reads the wall clock: Clock when a test set one, else time.Now.
func (s *Settings) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

func (s *Settings) defaults() {
	if s.RegisterMaxExpires == 0 {
		s.RegisterMaxExpires = time.Hour
	}
	if s.RegisterMinExpires == 0 {
		s.RegisterMinExpires = time.Minute
	}
	if s.ExtensionRingTime == 0 {
		s.ExtensionRingTime = time.Minute
	}
	if s.DialogTimeout == 0 {
		s.DialogTimeout = 6 * time.Hour
	}
	if s.ShutdownRetryAfter == 0 {
		s.ShutdownRetryAfter = 30
	}
	if s.RTPPortMin == 0 {
		s.RTPPortMin = 10000
	}
	if s.RTPPortMax == 0 {
		s.RTPPortMax = 20000
	}
}

// Hooks let the program keep what the SIP side produces. Each is optional
// and is called on ringd's own goroutines: it must return quickly.
type Hooks struct {
	// Record receives every finished group call (SPEC §4).
	Record func(cdr.Record)
	// Binding receives every registration change: a contact added or
	// refreshed (removed false), or removed (un-REGISTER, expiry).
	Binding func(ext string, b Binding, removed bool)
	// Metrics, when set, receives ringd's collectors (SPEC §9).
	Metrics prometheus.Registerer
}

// Server is ringd's SIP proxy and registrar.
type Server struct {
	hooks   Hooks
	metrics *Metrics // nil: not measured

	log    *zap.Logger
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client

	settings atomic.Pointer[Settings]
	auth     *digestAuth
	loc      *Location
	invites  sync.Map                                                        // ringd's own INVITE client transactions by branch
	handlers map[sip.RequestMethod]func(*sip.Request, sip.ServerTransaction) // by method, but INVITE
	trim     memTrim
	gc       gcTune
	dialogs  *dialogs
	guard    *guard
	local    sync.Map     // Call-IDs of dialogs ringd itself ends (pages, greetings)
	rtp      *media.Ports // ringd's own RTP ports; nil until Start
	drv      *driver
	sending  pending // requests ringd originates, not yet written
	owed     pending // CANCELs waiting for a branch's first provisional

	mu        sync.Mutex
	listeners []closer                  // bound sockets, closed by Close
	udp       map[string]net.PacketConn // UDP listeners by local address
	bound     []Listener
	boundAt   atomic.Pointer[boundAddrs] // what isLocal compares with, replaced by keep
	host      string                     // advertised host for Via and Record-Route
	ports     map[string]int             // advertised port by network

	draining atomic.Bool
}

type closer interface{ Close() error }

// RouteLibraryLogs sends sipgo's own log output (log/slog) into zap. It sets
// a process-wide default, so the program calls it once at start.
func RouteLibraryLogs(log *zap.Logger) {
	// Sampled: sipgo logs every datagram it cannot parse at error level, and
	// a flood of garbage must not become a flood of log lines (the first 10
	// of a message each second, then none until the next second).
	core := zapcore.NewSamplerWithOptions(log.Named("sipgo").Core(), time.Second, 10, 0)
	sip.SetDefaultLogger(slog.New(zapslog.NewHandler(core)))
}

// New builds a server; Start binds and serves.
func New(s Settings, log *zap.Logger, hooks ...Hooks) (*Server, error) {
	if s.Snapshot == nil {
		return nil, errors.New("sip: no routing snapshot")
	}
	if len(s.Listen) == 0 {
		return nil, errors.New("sip: no listen address")
	}
	s.defaults()
	sv := &Server{log: log, auth: newDigestAuth(s.Domain), loc: NewLocation(), ports: map[string]int{},
		guard: newGuard(), udp: map[string]net.PacketConn{}}
	parser := sip.NewParser()
	if s.Protection.MaxMessage > 0 {
		parser.MaxMessageLength = s.Protection.MaxMessage
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("ringd"), sipgo.WithUserAgentHostname(s.Domain),
		sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerReadFilter(sv.readFilter)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerUnhandledResponseHandler(sv.onUnmatchedResponse)))
	if err != nil {
		return nil, err
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		return nil, err
	}
	client, err := sipgo.NewClient(ua)
	if err != nil {
		return nil, err
	}
	sv.ua, sv.srv, sv.client = ua, srv, client
	if len(hooks) > 0 {
		sv.hooks = hooks[0]
	}
	if reg := sv.hooks.Metrics; reg != nil {
		sv.metrics = NewMetrics(reg)
		reg.MustRegister(registrationsGauge(sv), bannedGauge(sv))
	}
	sv.dialogs = newDialogs()
	sv.settings.Store(&s)
	sv.loc.SetStatic(staticContacts(&s))
	sv.drv = newDriver(sv, s.Snapshot)
	sv.routes()
	return sv, nil
}

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

// Start binds every listener and starts serving; it returns once they are
// bound. Serving stops when ctx ends or Close is called.
func (s *Server) Start(ctx context.Context) error {
	for _, l := range s.settings.Load().Listen {
		if err := s.listen(l); err != nil {
			s.Close()
			return err
		}
	}
	if err := s.openRTP(); err != nil {
		s.Close()
		return err
	}
	s.drv.started.Store(true)
	go s.drv.run(ctx.Done())
	go s.housekeeping(ctx)
	return nil
}

func (s *Server) listen(l Listener) error {
	var addr net.Addr
	switch l.Network {
	case "udp":
		conn, err := s.listenUDP(l.Addr)
		if err != nil {
			return err
		}
		addr = conn.LocalAddr()
		s.keep(conn, l.Network, addr)
		s.mu.Lock()
		s.udp[addr.String()] = conn
		s.mu.Unlock()
		for range udpReaders() {
			go func() { _ = s.srv.ServeUDP(conn) }()
		}
	case "tcp":
		ln, err := net.Listen("tcp", l.Addr)
		if err != nil {
			return err
		}
		addr = ln.Addr()
		s.keep(ln, l.Network, addr)
		go func() { _ = s.srv.ServeTCP(ln) }()
	default:
		return errors.New("sip: unsupported listen network " + strconv.Quote(l.Network))
	}
	s.log.Info("sip listening", zap.String("network", l.Network), zap.Stringer("addr", addr))
	return nil
}

func (s *Server) keep(c closer, network string, addr net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, c)
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return
	}
	s.bound = append(s.bound, Listener{Network: network, Addr: ap.String()})
	if _, ok := s.ports[network]; !ok {
		s.ports[network] = int(ap.Port())
	}
	if s.host == "" {
		ip := ap.Addr()
		if ip.IsUnspecified() {
			ip = netip.MustParseAddr("127.0.0.1")
		}
		s.host = ip.String()
	}
	b := &boundAddrs{host: netip.MustParseAddr(s.host)}
	if prev := s.boundAt.Load(); prev != nil {
		b.addrs = append(b.addrs, prev.addrs...)
	}
	b.addrs = append(b.addrs, ap)
	s.boundAt.Store(b)
}

// boundAddrs are the addresses ringd listens on and the host it
// advertises, parsed once for isLocal, which checks every request.
type boundAddrs struct {
	addrs []netip.AddrPort
	host  netip.Addr
}

// Bound returns the addresses actually bound (useful with port 0).
func (s *Server) Bound() []Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Listener(nil), s.bound...)
}

// Close ends the calls still in progress - each writes its record: a
// ringing one is aborted (its legs cancelled, 503 to the caller), a
// connected one ends now - lets the CANCELs and BYEs this sends go out
// (settleOutgoing), then stops listening. No hook is called after
// it returns. Drain first for a graceful stop.
func (s *Server) Close() {
	s.drv.stop()
	s.settleOutgoing()
	s.mu.Lock()
	ls := s.listeners
	s.listeners = nil
	s.mu.Unlock()
	for _, l := range ls {
		_ = l.Close()
	}
	_ = s.ua.Close()
}

// Apply swaps the settings at run time: new calls route with the new
// snapshot; calls in progress keep theirs. Listen addresses do not change.
func (s *Server) Apply(n Settings) {
	old := s.settings.Load()
	n.Listen = old.Listen
	n.defaults()
	s.settings.Store(&n)
	s.loc.SetStatic(staticContacts(&n))
	s.drv.post(func() { s.drv.setSnapshot(n.Snapshot) })
}

// Drain stops taking new calls (503 with Retry-After) and waits until no
// call rings any more, or ctx ends. Connected calls are not waited for.
func (s *Server) Drain(ctx context.Context) {
	s.draining.Store(true)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		n := 0
		if !s.drv.wait(func() { n = s.drv.ringing() }) || n == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// advertised returns the host:port ringd puts in Via and Record-Route for
// a transport.
func (s *Server) advertised(transport string) (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	network := strings.ToLower(transport)
	if p, ok := s.ports[network]; ok {
		return s.host, p
	}
	for _, p := range s.ports {
		return s.host, p
	}
	return s.host, 5060
}

// isLocal reports whether host:port names ringd: its domain, or one of its
// listen addresses (port 0 meaning the default 5060).
func (s *Server) isLocal(host string, port int) bool {
	st := s.settings.Load()
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, st.Domain) {
		return true
	}
	for _, a := range st.Aliases {
		if strings.EqualFold(host, a) {
			return true
		}
	}
	if port == 0 {
		port = 5060
	}
	b := s.boundAt.Load()
	if b == nil {
		return false
	}
	ip, ipErr := netip.ParseAddr(host)
	for _, ap := range b.addrs {
		if int(ap.Port()) != port {
			continue
		}
		if ipErr == nil && (ip == ap.Addr() || ap.Addr().IsUnspecified() && (ip.IsLoopback() || ip == b.host)) {
			return true
		}
		if strings.EqualFold(host, "localhost") && ap.Addr().IsLoopback() {
			return true
		}
	}
	return false
}

// isLocalDomain reports whether a Request-URI host is served here.
func (s *Server) isLocalDomain(host string, port int) bool { return s.isLocal(host, port) }

// trusted reports whether a request's source address is in sip.trusted.
func (s *Server) trusted(source string) bool {
	ap, err := netip.ParseAddrPort(source)
	return err == nil && s.settings.Load().trustedIP(ap.Addr().Unmap())
}

// password looks up an extension's digest password.
func (s *Server) password(user string) (string, bool) {
	e, ok := s.settings.Load().Extensions[user]
	if !ok || e.Password == "" {
		return "", false
	}
	return e.Password, true
}

// housekeeping expires registrations and stale dialogs once a second, and
// gives memory back to the OS after a load (memTrim).
func (s *Server) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	prev := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if s.trim.tick(now, now.Sub(prev)) {
				s.drv.wait(s.drv.shrink)
				debug.FreeOSMemory()
			}
			s.gc.tick()
			prev = now
			p := s.settings.Load().Protection
			s.guard.sweep(now.UnixNano(), max(p.Window, p.AuthWindow))
			for _, ext := range s.loc.Expire(now) {
				s.memberChanged(ext)
			}
			ids, freed := s.dialogs.expire(now, s.settings.Load().DialogTimeout)
			s.memberChanged(freed...)
			if len(ids) > 0 {
				s.drv.post(func() {
					for _, id := range ids {
						s.drv.hungUp(id)
					}
				})
			}
		}
	}
}

// memberChanged tells the driver that an extension's registration, DND or
// busy state may have changed. Not for use on the driver goroutine.
func (s *Server) memberChanged(exts ...string) {
	if len(exts) > 0 {
		s.drv.post(func() {
			for _, e := range exts {
				s.drv.refreshMember(e)
			}
		})
	}
}

// ActiveCalls is the number of group calls the engine has in progress
// (ringing or connected).
func (s *Server) ActiveCalls() int {
	n := 0
	s.drv.wait(func() { n = s.drv.eng.GroupCalls() })
	return n
}

// Calls returns the group calls in progress (GET /calls).
func (s *Server) Calls() []cdr.LiveCall {
	var vs []cdr.LiveCall
	s.drv.wait(func() { s.drv.eng.Calls(func(v cdr.LiveCall) { vs = append(vs, v) }) })
	return vs
}

// Registrations returns every live registered contact.
func (s *Server) Registrations() map[string][]Binding {
	return s.loc.All(time.Now())
}

// RestoreBinding puts back a registration kept across a restart (if it has
// not expired yet). Call it before Start.
func (s *Server) RestoreBinding(ext, contact string, expires time.Time, callID string, cseq uint32, source string) error {
	var u sip.Uri
	if err := sip.ParseUri(contact, &u); err != nil {
		return err
	}
	s.loc.Update(ext, []Binding{{Contact: u, Expires: expires, CallID: callID, CSeq: cseq, Source: source}}, time.Now())
	return nil
}

// Ready reports whether the server serves calls: listeners bound and not
// draining (GET /readyz).
func (s *Server) Ready() bool {
	return len(s.Bound()) > 0 && !s.draining.Load()
}
