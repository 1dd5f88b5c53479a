package transport

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/metrics"
)

// Filter is the flood and scanner protection at the door. A UDP datagram
// is judged before sipgo parses it (Read, sipgo's read filter), so that a
// flood or a banned source costs a map lookup, not a parse: banned
// sources, oversize datagrams and scanners (from any source) are dropped
// without a reply, and every request counts against its source's rate -
// except from a trusted source. From any source, a request line sipgo could not parse
// gets a stateless 400 (416 for a foreign URI scheme). Stream messages
// are framed and screened the same way before sipgo parses them
// (frames.go), and counted against the rate and screened for scanners
// once parsed (AdmitStream); a banned source's connection is closed at
// its next read.
type Filter struct {
	guard   *guard
	clock   clock.Clock
	metrics *metrics.Metrics
	log     *zap.Logger
	conns   udpConns // where stateless replies leave from
	policy  atomic.Pointer[Policy]
	streams streamCount
	framers framers
	// OnBan, when set before the filter is used, hears of every ban this
	// filter starts (a cluster shares it); bans imposed with Impose are
	// not told back.
	OnBan func(source netip.Addr, until time.Time, reason string)
	// StreamConn, when set, finds the TCP, TLS or WebSocket connection a
	// message came over by its network and remote address (sipgo's
	// transport layer), for the answers to requests refused before parsing.
	StreamConn func(network, remote string) io.Writer
}

// udpConns finds the UDP socket bound at a local address (Listeners).
type udpConns interface {
	udpConn(addr net.Addr) net.PacketConn
}

// Policy is what the filter judges by.
type Policy struct {
	Protection Protection
	// Trusted are the sources exempt from the rate limit and the bans
	// (sip.trusted; not from the scanner screening); calls from them need
	// no digest.
	Trusted []netip.Prefix
}

// trusts reports whether ip is in p.Trusted.
func (p *Policy) trusts(ip netip.Addr) bool {
	for _, t := range p.Trusted {
		if t.Contains(ip) {
			return true
		}
	}
	return false
}

// NewFilter returns a filter judging by policy; stateless replies leave
// from the UDP sockets of conns.
func NewFilter(policy Policy, clk clock.Clock, m *metrics.Metrics, log *zap.Logger, conns *Listeners) *Filter {
	f := &Filter{guard: newGuard(), clock: clk, metrics: m, log: log, conns: conns}
	f.guard.evicted = m.SourceEvicted
	f.policy.Store(&policy)
	return f
}

// SetPolicy changes the policy for the messages that come next.
func (f *Filter) SetPolicy(p Policy) { f.policy.Store(&p) }

// errBanned ends a banned source's TCP connection (sipgo closes it when its
// read filter fails).
var errBanned = errors.New("source banned")

// Read is sipgo's read filter on every listener: it returns the data to
// parse, or nil to drop it.
func (f *Filter) Read(props sip.TransportReadProps, data []byte) ([]byte, error) {
	ip, ok := addrIP(props.RemoteAddr)
	pol := f.policy.Load()
	trusted := !ok || pol.trusts(ip)
	udp := strings.EqualFold(props.Transport, "udp")
	p := &pol.Protection
	if !udp {
		if !trusted && f.guard.banned(ip, f.now()) {
			f.metrics.Reject("banned")
			return nil, errBanned
		}
		max := p.MaxMessage
		if max <= 0 {
			max = sip.ParseMaxMessageLength
		}
		if strings.HasPrefix(strings.ToUpper(props.Transport), "WS") {
			return f.readFrame(props, data, max), nil
		}
		return f.readStream(props, data, max)
	}
	if p.MaxMessage > 0 && len(data) > p.MaxMessage {
		f.metrics.Reject("oversize")
		return nil, nil
	}
	if len(data) <= 4 && len(trimEOL(data)) == 0 { // a keep-alive (RFC 5626), as sipgo tells them
		return data, nil
	}
	if isResponse(data) {
		if !trusted && f.guard.banned(ip, f.now()) {
			f.metrics.Reject("banned")
			return nil, nil
		}
		return data, nil
	}
	// The headers are read once, and only for a request the guard lets in.
	var heads rawHeaders
	read := false
	headers := func() *rawHeaders {
		if !read {
			heads, read = readHeaders(data), true
		}
		return &heads
	}
	ua := func() []byte { return headers().userAgent }
	if !trusted && !f.admitted(ip, f.now(), p, ua) || trusted && f.isScanner(p, ua) {
		return nil, nil
	}
	if code, reason := refusal(data, headers); code != 0 {
		f.refuse(props, data, code, reason)
		return nil, nil
	}
	return data, nil
}

func (f *Filter) now() int64 { return f.clock.Now().UnixNano() }

// admitted counts a request from ip and reports whether it may be served:
// not from a banned source, not over the rate, not from a scanner (ua
// gives its User-Agent, read only when needed).
func (f *Filter) admitted(ip netip.Addr, now int64, p *Protection, ua func() []byte) bool {
	switch f.guard.request(ip, now, p) {
	case isBanned:
		f.metrics.Reject("banned")
		return false
	case tipped:
		f.metrics.Reject("flood")
		f.banStarted(ip, banFlood, p.Ban)
		return false
	}
	return !f.isScanner(p, ua)
}

// isScanner reports (and counts) a request whose User-Agent (ua gives it)
// names a scanner: dropped without a word from any source, trusted ones
// included - a scanner on the inside is still a scanner.
func (f *Filter) isScanner(p *Protection, ua func() []byte) bool {
	if len(p.Scanners) > 0 && scanner(ua(), p.Scanners) {
		f.metrics.Reject("scanner")
		return true
	}
	return false
}

// AdmitStream screens a request that came over TCP (or TLS) once sipgo
// has parsed it; a request it refuses is dropped without a reply.
func (f *Filter) AdmitStream(req *sip.Request) bool {
	if strings.EqualFold(req.Transport(), "udp") {
		return true // judged by Read
	}
	ua := func() []byte {
		if h := req.GetHeader("User-Agent"); h != nil {
			return []byte(h.Value())
		}
		return nil
	}
	ip, pol, ok := f.stranger(req.Source())
	if !ok {
		return !f.isScanner(&f.policy.Load().Protection, ua)
	}
	return f.admitted(ip, f.now(), &pol.Protection, ua)
}

// OpenStream admits a TCP, TLS or WebSocket connection at its accept: not
// from a banned source, not over the source's connections
// (protection.connections; trusted sources are not limited), not over
// MaxStreams in all. A refused one is counted (rejected "banned" or
// "connections") and closed unread.
func (f *Filter) OpenStream(remote net.Addr) bool {
	ip, ok := addrIP(remote)
	pol := f.policy.Load()
	untrusted := ok && !pol.trusts(ip)
	if untrusted && f.guard.banned(ip, f.now()) {
		f.metrics.Reject("banned")
		return false
	}
	if !f.streams.open(ip, untrusted, pol.Protection.Connections) {
		f.metrics.Reject("connections")
		return false
	}
	return true
}

// CloseStream hears that a connection OpenStream admitted closed.
func (f *Filter) CloseStream(remote net.Addr) {
	ip, _ := addrIP(remote)
	f.streams.close(ip)
}

// Streams is the number of stream connections held now.
func (f *Filter) Streams() int { return f.streams.held() }

// AuthFailed counts a failed digest check from a request's source; the
// tenth in a minute (by default) bans it.
func (f *Filter) AuthFailed(req *sip.Request) {
	ip, pol, ok := f.stranger(req.Source())
	if !ok {
		return
	}
	f.metrics.AuthFailure()
	if f.guard.authFailed(ip, f.now(), &pol.Protection) {
		f.banStarted(ip, banAuth, pol.Protection.Ban)
	}
}

// Trusted reports whether a request's source address (host:port) is
// trusted.
func (f *Filter) Trusted(source string) bool {
	ap, err := netip.ParseAddrPort(source)
	return err == nil && f.policy.Load().trusts(ap.Addr().Unmap())
}

// stranger is a source address and the policy, when the source is not
// trusted (ok false: trusted, or no address).
func (f *Filter) stranger(source string) (netip.Addr, *Policy, bool) {
	pol := f.policy.Load()
	ap, err := netip.ParseAddrPort(source)
	ip := ap.Addr().Unmap()
	return ip, pol, err == nil && !pol.trusts(ip)
}

func (f *Filter) banStarted(ip netip.Addr, reason string, d time.Duration) {
	if f.OnBan != nil {
		f.OnBan(ip, f.clock.Now().Add(d), reason)
	}
	f.metrics.Banned(reason)
	f.log.Warn("source banned", zap.Stringer("source", ip), zap.String("reason", reason), zap.Duration("for", d))
}

// refusal is the screen's verdict on a request sipgo could not parse (0
// when it may go on): its request line first, then its headers (headers
// reads them, once).
func refusal(msg []byte, headers func() *rawHeaders) (int, string) {
	if code, reason := startLineRefusal(msg); code != 0 {
		return code, reason
	}
	h := headers()
	return h.code, h.reason
}

// refuse counts a request refused before parsing and answers it with a
// stateless response built from its own header lines (answer).
func (f *Filter) refuse(props sip.TransportReadProps, msg []byte, code int, reason string) {
	why := "malformed"
	if code == 416 {
		why = "uri_scheme"
	}
	f.metrics.Reject(why)
	f.answer(props, statelessReply(msg, code, reason), code)
	f.log.Debug("request refused before parsing", zap.Int("code", code), zap.String("reason", reason),
		zap.String("transport", props.Transport), zap.Stringer("source", props.RemoteAddr))
}

// answer sends a stateless response (nil: none could be built) the way
// its request came: over UDP back to the datagram's source address (as
// with rport), from the socket it came to; over a stream on its
// connection (StreamConn).
func (f *Filter) answer(props sip.TransportReadProps, res []byte, code int) {
	if res == nil {
		return
	}
	var err error
	if strings.EqualFold(props.Transport, "udp") {
		conn := f.conns.udpConn(props.LocalAddr)
		if conn == nil {
			return
		}
		_, err = conn.WriteTo(res, props.RemoteAddr)
	} else {
		var w io.Writer
		if f.StreamConn != nil {
			w = f.StreamConn(props.Transport, props.RemoteAddr.String())
		}
		if w == nil {
			return
		}
		_, err = w.Write(res)
	}
	if err == nil {
		f.metrics.Response(code)
	}
}

// Bans lists the source addresses banned now (GET /api/v1/bans).
func (f *Filter) Bans() []Ban { return f.guard.bans(f.now()) }

// Impose bans source until a time another node of the cluster decided,
// unless it is trusted.
func (f *Filter) Impose(source netip.Addr, until time.Time, reason string) {
	ip := source.Unmap()
	if f.policy.Load().trusts(ip) {
		return
	}
	f.guard.impose(ip, f.now(), until.UnixNano(), reason)
}

// BannedCount is the number of sources banned now.
func (f *Filter) BannedCount() int { return f.guard.bannedCount(f.now()) }

// Unban lifts the ban of a source address; it reports whether it was
// banned.
func (f *Filter) Unban(source string) (bool, error) {
	ip, err := netip.ParseAddr(source)
	if err != nil {
		return false, err
	}
	return f.guard.unban(ip.Unmap(), f.now()), nil
}

// Sweep forgets the sources that neither are banned nor count in a window
// any more (housekeeping, once a second).
func (f *Filter) Sweep() {
	p := &f.policy.Load().Protection
	f.guard.sweep(f.now(), max(p.Window, p.AuthWindow))
	f.framers.sweep(f.now())
}

// addrIP is the IP address of a UDP or TCP peer.
func addrIP(a net.Addr) (netip.Addr, bool) {
	switch a := a.(type) {
	case *net.UDPAddr:
		ip, ok := netip.AddrFromSlice(a.IP)
		return ip.Unmap(), ok
	case *net.TCPAddr:
		ip, ok := netip.AddrFromSlice(a.IP)
		return ip.Unmap(), ok
	}
	ap, err := netip.ParseAddrPort(a.String())
	return ap.Addr().Unmap(), err == nil
}
