package torture

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// tortureReply is one datagram or framed TCP message that came back.
type tortureReply struct {
	Version string // of a response's status line: "SIP/2.0"
	Code    int    // status code; 0 for something that is not a response
	Reason  string // reason phrase, or the first word of a non-response
	CallID  string
	To      string // a response's To header value (with ringd's tag), to ACK it
}

// final reports whether the reply is a final response.
func (r tortureReply) final() bool { return r.Code >= 200 }

func parseReply(b []byte) tortureReply {
	version, code, reason, ok := statusLine(b)
	if !ok {
		return tortureReply{Reason: requestMethod(b), CallID: callID(b)}
	}
	r := tortureReply{Version: version, Code: code, Reason: reason, CallID: callID(b)}
	if to := headerValues(b, "To", "t"); len(to) > 0 {
		r.To = to[0]
	}
	return r
}

// tortureNet holds the runner's sockets towards ringd: one UDP socket per
// response port on the source address (kept for the whole run, so that a
// response ringd repeats later lands on a socket that reads it, and is
// told apart by its Call-ID), and a probe socket on 127.0.0.1.
type tortureNet struct {
	udpTarget *net.UDPAddr
	tcpTarget string
	tlsTarget string // "" when not used
	wsTarget  string
	source    net.IP
	udp       map[int]*net.UDPConn // by port on source
	probe     *net.UDPConn
	seq       int
}

// newTortureNet checks that every address is in 127.0.0.0/8 and opens the
// probe socket.
func newTortureNet(target, source string) (*tortureNet, error) {
	ta, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		return nil, fmt.Errorf("-target: %w", err)
	}
	src := net.ParseIP(source)
	if !isLoopback4(ta.IP) || !isLoopback4(src) {
		return nil, errors.New("-target and -source must be in 127.0.0.0/8")
	}
	probe, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	return &tortureNet{udpTarget: ta, tcpTarget: ta.String(), source: src, udp: map[int]*net.UDPConn{}, probe: probe}, nil
}

// isLoopback4 reports whether ip is an IPv4 address in 127.0.0.0/8.
func isLoopback4(ip net.IP) bool {
	v4 := ip.To4()
	return v4 != nil && v4[0] == 127
}

func (n *tortureNet) close() {
	for _, c := range n.udp {
		_ = c.Close()
	}
	_ = n.probe.Close()
}

// udpConn is the socket on source:port, bound on first use.
func (n *tortureNet) udpConn(port int) (*net.UDPConn, error) {
	if c, ok := n.udp[port]; ok {
		return c, nil
	}
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: n.source, Port: port})
	if err != nil {
		return nil, fmt.Errorf("bind the torture source %s:%d: %w", n.source, port, err)
	}
	n.udp[port] = c
	return c, nil
}

// readUntil reads the datagrams that come to c from ringd until the
// deadline.
func (n *tortureNet) readUntil(c *net.UDPConn, deadline time.Time) [][]byte {
	var out [][]byte
	buf := make([]byte, 65536)
	_ = c.SetReadDeadline(deadline)
	for {
		k, from, err := c.ReadFromUDP(buf)
		if err != nil {
			return out
		}
		if from.IP.Equal(n.udpTarget.IP) && from.Port == n.udpTarget.Port {
			out = append(out, append([]byte(nil), buf[:k]...))
		}
	}
}

// collect is how long replies are read: for window, and when a final
// response is expected but has not come yet, on until it does or until
// grace has passed (a slow machine is not a different answer).
type collect struct {
	window, grace time.Duration
	expectFinal   bool
}

// more reports whether to read on after the window, given got.
func (c collect) more(got []tortureReply) bool {
	if !c.expectFinal {
		return false
	}
	for _, r := range got {
		if r.final() {
			return false
		}
	}
	return true
}

// sendUDP sends raw from source:port and collects what comes back on that
// socket. Replies whose Call-ID is in others belong to another message (a
// final response ringd repeats until it is ACKed) and are only counted as
// stray, as is whatever was waiting before the send.
func (n *tortureNet) sendUDP(raw []byte, port int, col collect, others map[string]bool) (got []tortureReply, stray int, err error) {
	c, err := n.udpConn(port)
	if err != nil {
		return nil, 0, err
	}
	stray = len(n.readUntil(c, time.Now().Add(time.Millisecond))) // a deadline passed already reads nothing
	if _, err := c.WriteToUDP(raw, n.udpTarget); err != nil {
		return nil, stray, err
	}
	start := time.Now()
	deadline := start.Add(col.window)
	for {
		for _, b := range n.readUntil(c, deadline) {
			r := parseReply(b)
			if others[r.CallID] {
				stray++
				continue
			}
			got = append(got, r)
		}
		if !col.more(got) || time.Since(start) >= col.window+col.grace {
			return got, stray, nil
		}
		deadline = time.Now().Add(50 * time.Millisecond)
	}
}

// sendStream sends raw on a fresh connection of transport ("tcp", "tls"
// or "ws": one text frame) from the source address and reads until nothing
// came for the window (and a final response came, when one is expected,
// or the grace passed), or ringd closed the connection (closed). A failed
// INVITE is ACKed on the same connection (acked), which ends ringd's
// transaction at once on a reliable transport.
func (n *tortureNet) sendStream(transport string, raw []byte, col collect) (got []tortureReply, closed, acked bool, err error) {
	c, err := n.dialStream(transport)
	if err != nil {
		return nil, false, false, err
	}
	defer c.Close()
	write := func(b []byte) error {
		if transport == "ws" {
			return wsutil.WriteClientMessage(c, ws.OpText, b)
		}
		_, err := c.Write(b)
		return err
	}
	if err := write(raw); err != nil {
		return nil, false, false, err
	}
	var stream []byte
	var frames []tortureReply // over WebSocket: a message per frame
	buf := make([]byte, 65536)
	end := time.Now().Add(col.window + col.grace)
	replies := func() []tortureReply {
		if transport == "ws" {
			return frames
		}
		return parseStream(stream)
	}
	for {
		_ = c.SetReadDeadline(earlier(time.Now().Add(col.window), end))
		if transport == "ws" {
			var data []byte
			data, _, err = wsutil.ReadServerData(c)
			if len(data) > 0 {
				frames = append(frames, parseReply(data))
			}
		} else {
			var k int
			k, err = c.Read(buf)
			stream = append(stream, buf[:k]...)
		}
		if err == nil {
			continue
		}
		var ne net.Error
		if closed = !(errors.As(err, &ne) && ne.Timeout()); closed || !time.Now().Before(end) {
			break
		}
		if !col.more(replies()) {
			break
		}
	}
	got = replies()
	if !closed && strings.EqualFold(requestMethod(raw), "INVITE") {
		for _, r := range got {
			if ack, ok := ackFor(raw, r); ok && r.Code >= 300 {
				acked = write(ack) == nil
				break
			}
		}
	}
	return got, closed, acked, nil
}

// dialStream opens a connection of transport to ringd from the source
// address: TCP, TLS (any certificate) or WebSocket (subprotocol sip).
func (n *tortureNet) dialStream(transport string) (net.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: n.source}, Timeout: 2 * time.Second}
	switch transport {
	case "tls":
		return (&tls.Dialer{NetDialer: d, Config: &tls.Config{InsecureSkipVerify: true}}).Dial("tcp", n.tlsTarget)
	case "ws":
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, _, _, err := ws.Dialer{Protocols: []string{"sip"}, NetDial: d.DialContext}.Dial(ctx, "ws://"+n.wsTarget+"/")
		return c, err
	}
	return d.Dial("tcp", n.tcpTarget)
}

// ackFor is the ACK of a non-2xx final response to an INVITE sent raw
// (RFC 3261 §17.1.1.3): the INVITE's Request-URI, top Via, From, Call-ID
// and CSeq number, the response's To. It ends ringd's server transaction
// (Timer I, 5 s) instead of leaving it to wait for the ACK for 32 s. ok is
// false when raw lacks what an ACK needs.
func ackFor(raw []byte, res tortureReply) (ack []byte, ok bool) {
	first, _, _ := bytes.Cut(raw, []byte("\r\n"))
	f := strings.Fields(string(first))
	vias, from, cseq := headerValues(raw, "Via", "v"), headerValues(raw, "From", "f"), headerValues(raw, "CSeq")
	if len(f) != 3 || len(vias) == 0 || len(from) != 1 || len(cseq) != 1 || res.To == "" {
		return nil, false
	}
	num, _, _ := strings.Cut(cseq[0], " ")
	top, _, _ := strings.Cut(vias[0], ",")
	return []byte("ACK " + f[1] + " SIP/2.0\r\nVia: " + top + "\r\nMax-Forwards: 70\r\nFrom: " + from[0] +
		"\r\nTo: " + res.To + "\r\nCall-ID: " + callID(raw) + "\r\nCSeq: " + num + " ACK\r\nContent-Length: 0\r\n\r\n"), true
}

// ackUDP ACKs the non-2xx final response among got to an INVITE sent raw
// from source:port; it reports whether it did.
func (n *tortureNet) ackUDP(raw []byte, port int, got []tortureReply) bool {
	if !strings.EqualFold(requestMethod(raw), "INVITE") {
		return false
	}
	for _, r := range got {
		if r.Code < 300 {
			continue
		}
		ack, ok := ackFor(raw, r)
		c, err := n.udpConn(port)
		if !ok || err != nil {
			return false
		}
		_, err = c.WriteToUDP(ack, n.udpTarget)
		return err == nil
	}
	return false
}

// parseStream is the replies in a TCP byte stream.
func parseStream(stream []byte) []tortureReply {
	var got []tortureReply
	for _, m := range splitStream(stream) {
		got = append(got, parseReply(m))
	}
	return got
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// own builds a request of the runner's own, from the probe socket, with a
// fresh Call-ID and branch; toTag "" leaves the To tag out.
func (n *tortureNet) own(method, uri, toTag string) (raw []byte, id string) {
	n.seq++
	port := n.probe.LocalAddr().(*net.UDPAddr).Port
	token := strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(n.seq)
	id = "torture-" + token + "@127.0.0.1"
	to := "<" + uri + ">"
	if toTag != "" {
		to += ";tag=" + toTag
	}
	s := method + " " + uri + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:" + strconv.Itoa(port) + ";branch=z9hG4bK-torture-" + token + ";rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:torture@127.0.0.1>;tag=t" + token + "\r\n" +
		"To: " + to + "\r\n" +
		"Call-ID: " + id + "\r\n" +
		"CSeq: 1 " + method + "\r\n" +
		"Content-Length: 0\r\n\r\n"
	return []byte(s), id
}

// ownReplies reads the probe socket until deadline, keeping the replies
// to Call-ID id; stop ends the wait early once it returns true.
func (n *tortureNet) ownReplies(id string, deadline time.Time, stop func([]tortureReply) bool) []tortureReply {
	var got []tortureReply
	buf := make([]byte, 65536)
	for time.Now().Before(deadline) {
		_ = n.probe.SetReadDeadline(deadline)
		k, _, err := n.probe.ReadFromUDP(buf)
		if err != nil {
			break
		}
		if r := parseReply(buf[:k]); r.CallID == id {
			got = append(got, r)
			if stop != nil && stop(got) {
				break
			}
		}
	}
	return got
}

// probeOptions sends a plain OPTIONS to sip:domain over UDP (again after
// 500 ms and 1 s, as a UAC would) and waits up to timeout for its final
// response; code 0 means none came.
func (n *tortureNet) probeOptions(domain string, timeout time.Duration) (code int, rtt time.Duration, err error) {
	raw, id := n.own("OPTIONS", "sip:"+domain, "")
	start := time.Now()
	deadline := start.Add(timeout)
	for wait := 500 * time.Millisecond; ; wait *= 2 {
		if _, err := n.probe.WriteToUDP(raw, n.udpTarget); err != nil {
			return 0, 0, err
		}
		until := earlier(time.Now().Add(wait), deadline)
		got := n.ownReplies(id, until, func(g []tortureReply) bool { return g[len(g)-1].final() })
		if len(got) > 0 && got[len(got)-1].final() {
			return got[len(got)-1].Code, time.Since(start), nil
		}
		if !time.Now().Before(deadline) {
			return 0, time.Since(start), nil
		}
	}
}

// ownRequest sends one request of the runner's own and collects what
// comes back within window.
func (n *tortureNet) ownRequest(method, uri, toTag string, window time.Duration) ([]tortureReply, error) {
	raw, id := n.own(method, uri, toTag)
	if _, err := n.probe.WriteToUDP(raw, n.udpTarget); err != nil {
		return nil, err
	}
	return n.ownReplies(id, time.Now().Add(window), nil), nil
}
