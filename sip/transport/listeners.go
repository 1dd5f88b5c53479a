package transport

import (
	"crypto/tls"
	"errors"
	"io"
	"maps"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
)

// Listener is one SIP listening address: Network "udp", "tcp", "tls", "ws"
// or "wss" (SIP over WebSocket, RFC 7118; any HTTP path).
type Listener struct {
	Network string
	Addr    string // host:port; port 0 picks a free port (tests)
}

// Listeners are ringd's bound SIP sockets and what ringd knows of its own
// addresses: the ones bound, the host and ports it advertises in Via and
// Record-Route, and the names it answers to (IsLocal). Safe for concurrent
// use.
type Listeners struct {
	log   *zap.Logger
	certs *Certificates // what the TLS and WSS listeners serve with
	// Gate, when set before Listen, admits every TCP, TLS and WebSocket
	// connection at its accept (the Filter).
	Gate StreamGate

	mu      sync.Mutex
	closers []io.Closer
	udp     map[string]net.PacketConn // UDP sockets by local address
	bound   []Listener
	host    string         // advertised host for Via and Record-Route
	ports   map[string]int // advertised port by network

	self atomic.Pointer[self] // what IsLocal compares with
}

// self is what IsLocal reads on every request, replaced as a whole.
type self struct {
	addrs   []netip.AddrPort
	host    netip.Addr
	domain  string
	aliases []string
	local   map[string]sip.Addr // where requests leave from, by network
}

// NewListeners returns listeners that answer to domain and aliases, whose
// TLS and WSS listeners serve certs.
func NewListeners(log *zap.Logger, domain string, aliases []string, certs *Certificates) *Listeners {
	l := &Listeners{log: log, certs: certs, udp: map[string]net.PacketConn{}, ports: map[string]int{}}
	l.self.Store(&self{domain: domain, aliases: aliases})
	return l
}

// SetNames changes the names ringd answers to: its domain and aliases.
func (l *Listeners) SetNames(domain string, aliases []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := *l.self.Load()
	s.domain, s.aliases = domain, aliases
	l.self.Store(&s)
}

// Listen binds one listener and serves it with srv.
func (l *Listeners) Listen(srv *sipgo.Server, spec Listener) error {
	var addr net.Addr
	switch spec.Network {
	case "udp":
		conn, err := listenUDP(l.log, spec.Addr)
		if err != nil {
			return err
		}
		addr = conn.LocalAddr()
		l.keep(conn, spec.Network, addr)
		l.mu.Lock()
		l.udp[addr.String()] = conn
		l.mu.Unlock()
		for range udpReaders() {
			go func() { _ = srv.ServeUDP(conn) }()
		}
	case "tcp", "tls", "ws", "wss":
		if (spec.Network == "tls" || spec.Network == "wss") && (l.certs == nil || !l.certs.Loaded()) {
			return errors.New("sip: " + spec.Network + "://" + spec.Addr + " needs a TLS certificate (sip.tls)")
		}
		ln, err := net.Listen("tcp", spec.Addr)
		if err != nil {
			return err
		}
		addr = ln.Addr()
		l.keep(ln, spec.Network, addr)
		serve := map[string]func(net.Listener) error{"tcp": srv.ServeTCP, "tls": srv.ServeTLS, "ws": srv.ServeWS, "wss": srv.ServeWSS}[spec.Network]
		if spec.Network == "tls" || spec.Network == "wss" {
			ln = tls.NewListener(ln, l.certs.ServerConfig())
		}
		if l.Gate != nil {
			ln = &gatedListener{Listener: ln, gate: l.Gate}
		}
		go func() { _ = serve(ln) }()
	default:
		return errors.New("sip: unsupported listen network " + strconv.Quote(spec.Network))
	}
	l.log.Info("sip listening", zap.String("network", spec.Network), zap.Stringer("addr", addr))
	return nil
}

func (l *Listeners) keep(c io.Closer, network string, addr net.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closers = append(l.closers, c)
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return
	}
	l.bound = append(l.bound, Listener{Network: network, Addr: ap.String()})
	if _, ok := l.ports[network]; !ok {
		l.ports[network] = int(ap.Port())
	}
	if l.host == "" {
		ip := ap.Addr()
		if ip.IsUnspecified() {
			ip = netip.MustParseAddr("127.0.0.1")
		}
		l.host = ip.String()
	}
	s := *l.self.Load()
	s.host = netip.MustParseAddr(l.host)
	s.addrs = append(append([]netip.AddrPort(nil), s.addrs...), ap)
	s.local = maps.Clone(s.local)
	if s.local == nil {
		s.local = map[string]sip.Addr{}
	}
	if _, ok := s.local[network]; !ok {
		ip := net.IP(ap.Addr().AsSlice())
		switch {
		case network == "udp": // the socket itself (sipgo finds it by this address)
			s.local[network] = sip.Addr{IP: ip, Port: int(ap.Port())}
		case (network == "tcp" || network == "tls") && !ap.Addr().IsUnspecified():
			s.local[network] = sip.Addr{IP: ip}
		}
	}
	l.self.Store(&s)
}

// Close closes every socket.
func (l *Listeners) Close() {
	l.mu.Lock()
	cs := l.closers
	l.closers = nil
	l.mu.Unlock()
	for _, c := range cs {
		_ = c.Close()
	}
}

// Bound returns the addresses actually bound (useful with port 0).
func (l *Listeners) Bound() []Listener {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Listener(nil), l.bound...)
}

// Advertised returns the host:port ringd puts in Via and Record-Route for
// a transport.
func (l *Listeners) Advertised(transport string) (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	network := strings.ToLower(transport)
	if p, ok := l.ports[network]; ok {
		return l.host, p
	}
	for _, p := range l.ports {
		return l.host, p
	}
	return l.host, 5060
}

// LocalAddr is the address ringd's requests leave from: on UDP its
// listener, so that they come from the port their Via names; on TCP and
// TLS the listener's IP with a port the kernel picks, so that a new
// connection leaves from the address ringd advertises (phones that take
// requests only from their registrar's address, floating IPs). A TCP or
// TLS listener on an unspecified address leaves the choice to the kernel
// (zero Addr).
func (l *Listeners) LocalAddr(transport string) sip.Addr {
	s := l.self.Load()
	return s.local[strings.ToLower(transport)]
}

// IsLocal reports whether host:port names ringd: its domain, an alias, or
// one of its listen addresses (port 0 meaning the default 5060).
func (l *Listeners) IsLocal(host string, port int) bool {
	s := l.self.Load()
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, s.domain) {
		return true
	}
	for _, a := range s.aliases {
		if strings.EqualFold(host, a) {
			return true
		}
	}
	if port == 0 {
		port = 5060
	}
	ip, ipErr := netip.ParseAddr(host)
	for _, ap := range s.addrs {
		if int(ap.Port()) != port {
			continue
		}
		if ipErr == nil && (ip == ap.Addr() || ap.Addr().IsUnspecified() && (ip.IsLoopback() || ip == s.host)) {
			return true
		}
		if strings.EqualFold(host, "localhost") && ap.Addr().IsLoopback() {
			return true
		}
	}
	return false
}

// udpConn is the UDP socket bound at addr.
func (l *Listeners) udpConn(addr net.Addr) net.PacketConn {
	if addr == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.udp[addr.String()]
}
