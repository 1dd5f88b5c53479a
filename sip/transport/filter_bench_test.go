package transport

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
)

// BenchmarkReadFilter is the cost the protection adds to every datagram
// before sipgo parses it: for a trusted source (a trunk, the load tests)
// and for an untrusted one (counted, its User-Agent and request line
// screened), and for a banned one (dropped).
func BenchmarkReadFilter(b *testing.B) {
	p := DefaultProtection()
	p.Requests = 1 << 30
	clk := clock.Real()
	f := NewFilter(Policy{Protection: p, Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, clk, nil, zap.NewNop(),
		NewListeners(zap.NewNop(), "ringd.local", nil, nil))
	msg := crlf("INVITE sip:6000@ringd.local SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.5:5070;branch=z9hG4bK-a;rport\n" +
		"Max-Forwards: 70\nFrom: \"Caller\" <sip:2000@ringd.local>;tag=f1\nTo: <sip:6000@ringd.local>\nCall-ID: abc@192.0.2.5\n" +
		"CSeq: 1 INVITE\nContact: <sip:2000@192.0.2.5:5070>\nUser-Agent: Yealink SIP-T46U 66.86.0.15\n" +
		"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\nContent-Type: application/sdp\nContent-Length: 0\n\n")
	local := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5060}
	for _, c := range []struct {
		name string
		ip   net.IP
	}{{"trusted", net.IPv4(10, 1, 2, 3)}, {"untrusted", net.IPv4(192, 0, 2, 5)}, {"banned", net.IPv4(192, 0, 2, 6)}} {
		props := sip.TransportReadProps{Transport: "udp", LocalAddr: local, RemoteAddr: &net.UDPAddr{IP: c.ip, Port: 5070}}
		if c.name == "banned" {
			ip, _ := netip.AddrFromSlice(c.ip.To4())
			sh := f.guard.shard(ip)
			sh.lookup(ip, true, clk.Now().UnixNano(), nil).ban(clk.Now().UnixNano(), time.Hour, banFlood)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = f.Read(props, msg)
			}
		})
	}
}
