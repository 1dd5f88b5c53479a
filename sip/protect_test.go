package sip

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

// A peer at an untrusted loopback address (ringd trusts only 127.0.0.1 in
// these tests), sending raw datagrams.
type peer struct {
	t    *testing.T
	conn *net.UDPConn
	to   *net.UDPAddr
	seq  int
}

func newPeer(t *testing.T, ip, ringd string) *peer {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	to, err := net.ResolveUDPAddr("udp", ringd)
	if err != nil {
		t.Fatal(err)
	}
	return &peer{t: t, conn: c, to: to}
}

// request sends a request (placeholders: LOCAL its own address, SEQ a
// number of its own, HEADERS extra header lines) and returns ringd's
// final answer ("" for none within wait): its whole text.
func (p *peer) request(msg, headers string, wait time.Duration) string {
	p.t.Helper()
	p.seq++
	msg = strings.ReplaceAll(msg, "LOCAL", p.conn.LocalAddr().String())
	msg = strings.ReplaceAll(msg, "SEQ", strconv.Itoa(p.seq))
	msg = strings.ReplaceAll(msg, "HEADERS\n", headers)
	if _, err := p.conn.WriteToUDP(crlf(msg), p.to); err != nil {
		p.t.Fatal(err)
	}
	buf := make([]byte, 65536)
	_ = p.conn.SetReadDeadline(clock.Real().Now().Add(wait))
	for {
		n, err := p.conn.Read(buf)
		if err != nil {
			return ""
		}
		if res := string(buf[:n]); !strings.HasPrefix(res, "SIP/2.0 100 ") {
			return res
		}
	}
}

const optionsMsg = "OPTIONS sip:ringd.local SIP/2.0\nVia: SIP/2.0/UDP LOCAL;branch=z9hG4bK-oSEQ;rport\n" +
	"From: <sip:probe@ringd.local>;tag=pSEQ\nTo: <sip:ringd.local>\nCall-ID: optSEQ@LOCAL\nCSeq: 1 OPTIONS\n" +
	"Max-Forwards: 70\nHEADERS\nContent-Length: 0\n\n"

const registerMsg = "REGISTER sip:ringd.local SIP/2.0\nVia: SIP/2.0/UDP LOCAL;branch=z9hG4bK-rSEQ;rport\n" +
	"From: <sip:EXT@ringd.local>;tag=rSEQ\nTo: <sip:EXT@ringd.local>\nCall-ID: regSEQ@LOCAL\nCSeq: SEQ REGISTER\n" +
	"Contact: <sip:EXT@LOCAL>\nMax-Forwards: 70\nHEADERS\nContent-Length: 0\n\n"

func status(res string) string {
	line, _, _ := strings.Cut(res, "\r\n")
	return strings.TrimPrefix(line, "SIP/2.0 ")
}

// protected is a ringd that trusts 127.0.0.1 only, with prot and metrics.
func protected(t *testing.T, prot transport.Protection) (*testRingd, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, time.Second, "1001")}}, Hooks{Metrics: reg},
		func(s *Settings) {
			s.Trusted = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			s.Protection = prot
		})
	return r, reg
}

func rejected(reg *prometheus.Registry, reason string) float64 {
	return counterValue(reg, "ringd_sip_rejected_total", map[string]string{"reason": reason})
}

func TestFloodingSourceIsBannedOthersAreServed(t *testing.T) {
	t.Parallel()
	p := transport.DefaultProtection()
	p.Requests, p.Window = 10, 10*time.Second // room for a slow -race run
	r, reg := protected(t, p)
	flood, bystander := newPeer(t, "127.0.0.2", r.addr), newPeer(t, "127.0.0.3", r.addr)
	for i := range 10 {
		if got := status(flood.request(optionsMsg, "", time.Second)); got != "200 OK" {
			t.Fatalf("request %d within the limit: %q", i+1, got)
		}
	}
	for i := range 5 {
		if got := flood.request(optionsMsg, "", 50*time.Millisecond); got != "" {
			t.Fatalf("request %d over the limit answered: %q", 11+i, status(got))
		}
	}
	if got := status(bystander.request(optionsMsg, "", time.Second)); got != "200 OK" {
		t.Fatalf("another source: %q", got)
	}
	bans := r.Bans()
	if len(bans) != 1 || bans[0].Source != "127.0.0.2" || bans[0].Reason != "flood" ||
		bans[0].Until.Sub(r.clock.Now()) != 300*time.Second {
		t.Fatalf("bans %+v (%v from now)", bans, bans[0].Until.Sub(r.clock.Now()))
	}
	if f, b := rejected(reg, "flood"), rejected(reg, "banned"); f != 1 || b != 4 {
		t.Errorf("rejected flood %v banned %v, want 1 and 4", f, b)
	}
	if v := counterValue(reg, "ringd_bans_total", map[string]string{"reason": "flood"}); v != 1 {
		t.Errorf("ringd_bans_total{flood} = %v", v)
	}
	if v := gaugeValue(reg, "ringd_banned_sources"); v != 1 {
		t.Errorf("ringd_banned_sources = %v", v)
	}
	// The trusted address is never limited.
	trusted := newPeer(t, "127.0.0.1", r.addr)
	for i := range 15 {
		if got := status(trusted.request(optionsMsg, "", time.Second)); got != "200 OK" {
			t.Fatalf("trusted request %d: %q", i+1, got)
		}
	}
	if ok, err := r.Unban("127.0.0.2"); !ok || err != nil {
		t.Fatalf("unban: %v %v", ok, err)
	}
	if got := status(flood.request(optionsMsg, "", time.Second)); got != "200 OK" {
		t.Fatalf("after unban: %q", got)
	}
}

func TestScannersGetNoReply(t *testing.T) {
	t.Parallel()
	r, reg := protected(t, transport.DefaultProtection())
	p := newPeer(t, "127.0.0.4", r.addr)
	for _, ua := range []string{"friendly-scanner", "sipvicious/0.3.3", "SIPcli/v1.8", "VaxSIPUserAgent/3.1", "pplsip"} {
		if got := p.request(optionsMsg, "User-Agent: "+ua+"\n", 50*time.Millisecond); got != "" {
			t.Errorf("%s answered %q", ua, status(got))
		}
	}
	if got := status(p.request(optionsMsg, "User-Agent: Yealink SIP-T46U\n", time.Second)); got != "200 OK" {
		t.Errorf("a phone: %q", got)
	}
	if v := rejected(reg, "scanner"); v != 5 {
		t.Errorf("rejected{scanner} = %v, want 5", v)
	}
}

// An unauthenticated REGISTER gets the same answer whether or not the
// extension exists, and so does one with a wrong password: nothing to
// enumerate.
func TestRegisterRevealsNoExtension(t *testing.T) {
	t.Parallel()
	r, _ := protected(t, transport.DefaultProtection())
	p := newPeer(t, "127.0.0.5", r.addr)
	shape := func(ext, headers string) string {
		res := p.request(strings.ReplaceAll(registerMsg, "EXT", ext), headers, time.Second)
		var keep []string
		for _, l := range strings.Split(res, "\r\n") {
			name, _, _ := strings.Cut(l, ":")
			switch strings.ToLower(name) {
			case "via", "from", "to", "call-id", "cseq", "date":
				continue // the request's own, or the time
			case "www-authenticate":
				l = l[:strings.Index(l, "nonce=")] // the nonce differs each time
			}
			keep = append(keep, l)
		}
		return strings.Join(keep, "\n")
	}
	known, unknown := shape("1001", ""), shape("1999", "")
	if !strings.HasPrefix(known, "SIP/2.0 401 ") || known != unknown {
		t.Fatalf("existing extension:\n%s\nunknown extension:\n%s", known, unknown)
	}
	bad := func(ext string) string {
		return shape(ext, "Authorization: "+credentials(t, p, ext, "wrong")+"\n")
	}
	if k, u := bad("1001"), bad("1999"); k != u || !strings.HasPrefix(k, "SIP/2.0 401 ") {
		t.Fatalf("wrong password, existing:\n%s\nunknown:\n%s", k, u)
	}
}

// credentials are digest credentials for ext with password against a
// fresh challenge of ringd.
func credentials(t *testing.T, p *peer, ext, password string) string {
	t.Helper()
	res := p.request(strings.ReplaceAll(registerMsg, "EXT", ext), "", time.Second)
	i := strings.Index(res, "WWW-Authenticate: ")
	if i < 0 {
		t.Fatalf("no challenge in %q", res)
	}
	line, _, _ := strings.Cut(res[i+len("WWW-Authenticate: "):], "\r\n")
	chal, err := digest.ParseChallenge(line)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: "REGISTER", URI: "sip:ringd.local", Username: ext, Password: password, Cnonce: "c0ffee", Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cred.String()
}

func TestRepeatedAuthFailuresBanTheSource(t *testing.T) {
	t.Parallel()
	p := transport.DefaultProtection()
	p.Requests = 1000
	r, reg := protected(t, p)
	cracker := newPeer(t, "127.0.0.6", r.addr)
	for i := range 10 {
		got := cracker.request(strings.ReplaceAll(registerMsg, "EXT", "1001"), "Authorization: "+credentials(t, cracker, "1001", "guess"+strconv.Itoa(i))+"\n", time.Second)
		if status(got) != "401 Unauthorized" {
			t.Fatalf("guess %d: %q", i+1, status(got))
		}
	}
	// Banned now: even the right password gets no answer, from any method.
	ok := cracker.request(strings.ReplaceAll(registerMsg, "EXT", "1001"), "", 50*time.Millisecond)
	if ok != "" {
		t.Fatalf("a banned source was answered: %q", status(ok))
	}
	if bans := r.Bans(); len(bans) != 1 || bans[0].Reason != "auth_failures" || bans[0].Source != "127.0.0.6" {
		t.Fatalf("bans %+v", bans)
	}
	if v := counterValue(reg, "ringd_sip_auth_failures_total", nil); v != 10 {
		t.Errorf("ringd_sip_auth_failures_total = %v, want 10", v)
	}
	if v := counterValue(reg, "ringd_bans_total", map[string]string{"reason": "auth_failures"}); v != 1 {
		t.Errorf("ringd_bans_total{auth_failures} = %v", v)
	}
	// A phone elsewhere still registers.
	phone := newPeer(t, "127.0.0.7", r.addr)
	if got := status(phone.request(strings.ReplaceAll(registerMsg, "EXT", "1001"), "Authorization: "+credentials(t, phone, "1001", "pw1001")+"\n", time.Second)); got != "200 OK" {
		t.Fatalf("the right password from another source: %q", got)
	}
}

func TestOversizeAndUnparseableRequests(t *testing.T) {
	t.Parallel()
	r, reg := protected(t, transport.DefaultProtection())
	p := newPeer(t, "127.0.0.8", r.addr)
	big := "X-Padding: " + strings.Repeat("a", 17<<10) + "\n"
	if got := p.request(optionsMsg, big, 50*time.Millisecond); got != "" {
		t.Fatalf("a 17 KB request was answered: %q", status(got))
	}
	if got := status(p.request(optionsMsg, "X-Padding: "+strings.Repeat("a", 12<<10)+"\n", time.Second)); got != "200 OK" {
		t.Fatalf("a 12 KB request: %q", got)
	}
	lws := strings.Replace(optionsMsg, "OPTIONS sip:ringd.local SIP/2.0", "OPTIONS  sip:ringd.local SIP/2.0", 1)
	res := p.request(lws, "", time.Second)
	if status(res) != "400 Bad Request Line" || !strings.Contains(res, "CSeq: 1 OPTIONS") {
		t.Fatalf("double space in the request line: %q", res)
	}
	scheme := strings.Replace(optionsMsg, "OPTIONS sip:ringd.local SIP/2.0", "OPTIONS soap.beep://127.0.0.1:3002 SIP/2.0", 1)
	if got := status(p.request(scheme, "", time.Second)); got != "416 Unsupported URI Scheme" {
		t.Fatalf("soap.beep URI: %q", got)
	}
	if o, m, s := rejected(reg, "oversize"), rejected(reg, "malformed"), rejected(reg, "uri_scheme"); o != 1 || m != 1 || s != 1 {
		t.Errorf("rejected oversize %v malformed %v uri_scheme %v, want 1 each", o, m, s)
	}
	if got := status(p.request(optionsMsg, "", time.Second)); got != "200 OK" {
		t.Fatalf("afterwards: %q", got)
	}
}

func counterValue(reg *prometheus.Registry, name string, labels map[string]string) float64 {
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

func gaugeValue(reg *prometheus.Registry, name string) float64 { return counterValue(reg, name, nil) }

// Over TCP the requests are screened once parsed; a banned source's
// connection is closed.
func TestProtectionOverTCP(t *testing.T) {
	t.Parallel()
	p := transport.DefaultProtection()
	p.Requests, p.Window = 5, 10*time.Second
	reg := prometheus.NewRegistry()
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001")}, Hooks{Metrics: reg}, func(s *Settings) {
		s.Trusted = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		s.Protection = p
		s.Listen = append(s.Listen, transport.Listener{Network: "tcp", Addr: "127.0.0.1:0"})
	})
	var tcpAddr string
	for _, b := range r.Bound() {
		if b.Network == "tcp" {
			tcpAddr = b.Addr
		}
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.9")}}
	conn, err := d.Dial("tcp", tcpAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	seq := 0
	send := func(headers string, wait time.Duration) string {
		seq++
		msg := strings.ReplaceAll(optionsMsg, "UDP LOCAL", "TCP LOCAL")
		msg = strings.ReplaceAll(msg, "LOCAL", local)
		msg = strings.ReplaceAll(msg, "SEQ", strconv.Itoa(seq))
		msg = strings.ReplaceAll(msg, "HEADERS\n", headers)
		if _, err := conn.Write(crlf(msg)); err != nil {
			return "write: " + err.Error()
		}
		_ = conn.SetReadDeadline(clock.Real().Now().Add(wait))
		buf := make([]byte, 8192)
		n, err := conn.Read(buf)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return ""
			}
			return "read: " + err.Error()
		}
		return status(string(buf[:n]))
	}
	if got := send("User-Agent: friendly-scanner\n", 100*time.Millisecond); got != "" {
		t.Fatalf("scanner over TCP: %q", got)
	}
	for i := range 4 { // the scanner's request counted too: 5 in all
		if got := send("", time.Second); got != "200 OK" {
			t.Fatalf("request %d: %q", i+2, got)
		}
	}
	if got := send("", 100*time.Millisecond); got != "" {
		t.Fatalf("the request over the limit: %q", got)
	}
	if got := send("", time.Second); !strings.HasPrefix(got, "read: ") && !strings.HasPrefix(got, "write: ") {
		t.Fatalf("a banned source's connection stays open: %q", got)
	}
	if s, f := rejected(reg, "scanner"), rejected(reg, "flood"); s != 1 || f != 1 {
		t.Errorf("rejected scanner %v flood %v", s, f)
	}
}

// crlf writes a message with SIP's line ends.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
