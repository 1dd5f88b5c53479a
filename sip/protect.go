package sip

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
)

// Flood and scanner protection at the door (Settings.Protection). A UDP
// datagram is judged before sipgo parses it, so that a flood or a banned
// source costs a map lookup, not a parse: banned sources, oversize
// datagrams and scanners are dropped without a reply, and every request
// counts against its source's rate - except from sip.trusted. From any
// source, a request line sipgo could not parse gets a stateless 400 (416
// for a foreign URI scheme). TCP is a byte stream, so its requests are
// counted and screened once parsed (admitStream); a banned source's
// connection is closed at its next read.

// errBanned ends a banned source's TCP connection (sipgo closes it when its
// read filter fails).
var errBanned = errors.New("source banned")

// readFilter is sipgo's read filter on every listener.
func (s *Server) readFilter(props sip.TransportReadProps, data []byte) ([]byte, error) {
	ip, ok := addrIP(props.RemoteAddr)
	st := s.settings.Load()
	trusted := !ok || st.trustedIP(ip)
	udp := strings.EqualFold(props.Transport, "udp")
	if !udp {
		if !trusted && s.guard.banned(ip, time.Now().UnixNano()) {
			s.metrics.reject("banned")
			return nil, errBanned
		}
		return data, nil
	}
	p := &st.Protection
	if p.MaxMessage > 0 && len(data) > p.MaxMessage {
		s.metrics.reject("oversize")
		return nil, nil
	}
	if len(data) <= 4 && len(trimEOL(data)) == 0 { // a keep-alive (RFC 5626), as sipgo tells them
		return data, nil
	}
	response := isResponse(data)
	if !trusted {
		now := time.Now().UnixNano()
		if response && s.guard.banned(ip, now) {
			s.metrics.reject("banned")
			return nil, nil
		}
		if !response && !s.admitted(ip, now, p, func() []byte { return userAgent(data) }) {
			return nil, nil
		}
	}
	if response {
		return data, nil
	}
	if code, reason := startLineRefusal(data); code != 0 {
		s.refuseRaw(props, data, code, reason)
		return nil, nil
	}
	return data, nil
}

// admitted counts a request from ip and reports whether it may be served:
// not from a banned source, not over the rate, not from a scanner (ua
// gives its User-Agent, read only when needed).
func (s *Server) admitted(ip netip.Addr, now int64, p *Protection, ua func() []byte) bool {
	switch s.guard.request(ip, now, p) {
	case isBanned:
		s.metrics.reject("banned")
		return false
	case tipped:
		s.metrics.reject("flood")
		s.banStarted(ip, banFlood, p.Ban)
		return false
	}
	if len(p.Scanners) > 0 && scanner(ua(), p.Scanners) {
		s.metrics.reject("scanner")
		return false
	}
	return true
}

// admitStream screens a request that came over TCP (or TLS) once sipgo has
// parsed it; a request it refuses is dropped without a reply.
func (s *Server) admitStream(req *sip.Request) bool {
	if strings.EqualFold(req.Transport(), "udp") {
		return true // judged by readFilter
	}
	ip, st, ok := s.stranger(req)
	if !ok {
		return true
	}
	ua := func() []byte {
		if h := req.GetHeader("User-Agent"); h != nil {
			return []byte(h.Value())
		}
		return nil
	}
	return s.admitted(ip, time.Now().UnixNano(), &st.Protection, ua)
}

// authFailed counts a failed digest check from a request's source; the
// tenth in a minute (by default) bans it.
func (s *Server) authFailed(req *sip.Request) {
	ip, st, ok := s.stranger(req)
	if !ok {
		return
	}
	s.metrics.authFailure()
	if s.guard.authFailed(ip, time.Now().UnixNano(), &st.Protection) {
		s.banStarted(ip, banAuth, st.Protection.Ban)
	}
}

// stranger is a parsed request's source address and the settings, when
// the source is not in sip.trusted (ok false: trusted, or no address).
func (s *Server) stranger(req *sip.Request) (netip.Addr, *Settings, bool) {
	st := s.settings.Load()
	ap, err := netip.ParseAddrPort(req.Source())
	ip := ap.Addr().Unmap()
	return ip, st, err == nil && !st.trustedIP(ip)
}

func (s *Server) banStarted(ip netip.Addr, reason string, d time.Duration) {
	s.metrics.banned(reason)
	s.log.Warn("source banned", zap.Stringer("source", ip), zap.String("reason", reason), zap.Duration("for", d))
}

// refuseRaw answers a UDP request sipgo could not parse with a stateless
// response, back to the datagram's source address (as with rport).
func (s *Server) refuseRaw(props sip.TransportReadProps, data []byte, code int, reason string) {
	why := "malformed"
	if code == 416 {
		why = "uri_scheme"
	}
	s.metrics.reject(why)
	res := statelessReply(data, code, reason)
	conn := s.udpConn(props.LocalAddr)
	if res == nil || conn == nil {
		return
	}
	if _, err := conn.WriteTo(res, props.RemoteAddr); err == nil {
		s.metrics.response(code)
	}
	s.log.Debug("request refused before parsing", zap.Int("code", code), zap.String("reason", reason), zap.Stringer("source", props.RemoteAddr))
}

// udpConn is the UDP listener bound at addr.
func (s *Server) udpConn(addr net.Addr) net.PacketConn {
	if addr == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.udp[addr.String()]
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

// trustedIP reports whether ip is in sip.trusted.
func (s *Settings) trustedIP(ip netip.Addr) bool {
	for _, p := range s.Trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Bans lists the source addresses banned now (GET /api/v1/bans).
func (s *Server) Bans() []Ban { return s.guard.bans(time.Now().UnixNano()) }

// Unban lifts the ban of a source address; it reports whether it was
// banned.
func (s *Server) Unban(source string) (bool, error) {
	ip, err := netip.ParseAddr(source)
	if err != nil {
		return false, err
	}
	return s.guard.unban(ip.Unmap(), time.Now().UnixNano()), nil
}
