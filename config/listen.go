package config

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Listener is a SIP listen address: Network "udp", "tcp", "tls", "ws" or
// "wss", Addr "host:port".
type Listener struct {
	Network, Addr string
}

// Listeners returns the SIP listen addresses. Entries that do not parse are
// left out (Parse reports them).
func (c *Config) Listeners() []Listener {
	out := make([]Listener, 0, len(c.SIP.Listen))
	for _, s := range c.SIP.Listen {
		if l, msg := parseListen(s); msg == "" {
			out = append(out, l)
		}
	}
	return out
}

// TrustedPrefixes returns the sip.trusted networks, masked. A bare address
// counts as a single-host prefix. Entries that do not parse are left out
// (Parse reports them).
func (c *Config) TrustedPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.SIP.Trusted))
	for _, s := range c.SIP.Trusted {
		if p, ok := parsePrefix(s); ok {
			out = append(out, p)
		}
	}
	return out
}

// parseListen parses "udp://127.0.0.1:5060"; msg says what is wrong.
func parseListen(s string) (l Listener, msg string) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return l, "must be a URI like \"udp://127.0.0.1:5060\", got " + strconv.Quote(s)
	}
	switch scheme = strings.ToLower(scheme); scheme {
	case "udp", "tcp", "tls":
		rest = strings.TrimSuffix(rest, "/")
	case "ws", "wss":
		rest, _, _ = strings.Cut(rest, "/") // any HTTP path
	default:
		return l, "unsupported scheme " + strconv.Quote(scheme) + " (udp, tcp, tls, ws or wss)"
	}
	host, port, msg := splitHostPort(rest)
	if msg != "" {
		return l, msg
	}
	if host == "" {
		return l, "missing host (0.0.0.0 listens on every interface)"
	}
	return Listener{Network: scheme, Addr: net.JoinHostPort(host, port)}, ""
}

// splitHostPort splits "host:port" and checks both parts; host may be empty.
func splitHostPort(s string) (host, port, msg string) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if ae, ok := err.(*net.AddrError); ok && strings.HasPrefix(ae.Err, "missing port") {
			return "", "", "missing port in " + strconv.Quote(s)
		}
		return "", "", "must be host:port, got " + strconv.Quote(s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", "port must be 1-65535, got " + strconv.Quote(port)
	}
	if host != "" && !validHost(host) {
		return "", "", "invalid host " + strconv.Quote(host)
	}
	return host, port, ""
}

// validHost accepts an IP address or a DNS name.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > 253 || strings.HasPrefix(h, "-") || strings.HasPrefix(h, ".") {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
				return false
			}
		}
	}
	return true
}

// parsePrefix parses a CIDR ("10.0.0.0/8") or a bare address.
func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
