package sip

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// options is an OPTIONS request from a stream client, with extra headers
// and a body of bodySize bytes (Content-Length said unless cl is set).
func options(transport, branch, extra string, bodySize int, cl string) string {
	if cl == "" {
		cl = "Content-Length: " + strconv.Itoa(bodySize) + "\r\n"
	}
	return "OPTIONS sip:ringd.local SIP/2.0\r\n" +
		"Via: SIP/2.0/" + transport + " 127.0.0.1:5099;branch=z9hG4bK" + branch + "\r\n" +
		"Max-Forwards: 70\r\nFrom: <sip:probe@ringd.local>;tag=p" + branch + "\r\nTo: <sip:ringd.local>\r\n" +
		"Call-ID: " + branch + "@probe\r\nCSeq: 1 OPTIONS\r\n" + extra + cl + "\r\n" + strings.Repeat("x", bodySize)
}

// readStatus reads one response off a stream and returns its status code
// (0 when the connection ended or nothing came within 3 s).
func readStatus(t *testing.T, c net.Conn, r *bufio.Reader) int {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil {
		return 0
	}
	size := 0
	for {
		h, err := r.ReadString('\n')
		if err != nil {
			return 0
		}
		if h == "\r\n" {
			break
		}
		if v, ok := strings.CutPrefix(h, "Content-Length:"); ok {
			size, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	_, _ = io.CopyN(io.Discard, r, int64(size))
	code, _ := strconv.Atoi(strings.Fields(line)[1])
	return code
}

// Over TCP, requests are screened before sipgo parses them, as UDP
// datagrams are: one the screen refuses gets its 400 on the connection,
// which stays open; a message split over writes, blank lines between
// messages and two messages in one write are framed; a message over
// max_message gets 513 (its body discarded as it comes) and the
// connection goes on; max_message changed by a reload applies at once;
// a request without Content-Length gets 400 and the connection is closed
// (it has no boundary).
func TestStreamRequestsAreScreenedBeforeParsing(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		withListener("tcp", "127.0.0.1:0"), func(s *Settings) { s.Protection.MaxMessage = 2048 })
	c, err := net.Dial("tcp", r.boundOn("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rd := bufio.NewReader(c)
	send := func(parts ...string) {
		t.Helper()
		for _, p := range parts {
			if _, err := c.Write([]byte(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	expect := func(what string, want int) {
		t.Helper()
		if got := readStatus(t, c, rd); got != want {
			t.Fatalf("%s: %d, want %d", what, got, want)
		}
	}
	good := options("TCP", "a1", "", 0, "")
	send(good[:20], good[20:90], good[90:])
	expect("a request in three writes", 200)
	send(options("TCP", "a2", "", 0, "")[:60])
	time.Sleep(20 * time.Millisecond) // a read ends inside the request line's message
	send(options("TCP", "a2", "", 0, "")[60:])
	expect("a request across two reads", 200)
	send(strings.Replace(options("TCP", "b1", "", 0, ""), "CSeq: 1 OPTIONS", "CSeq: one OPTIONS", 1))
	expect("a bad CSeq", 400)
	send("\r\n\r\n\r\n" + options("TCP", "b2", "", 0, "") + "\r\n" + options("TCP", "b3", "", 5, ""))
	expect("after blank lines", 200)
	expect("the second of two in one write", 200)
	send(strings.Replace(options("TCP", "b4", "", 0, ""), "From: <sip:probe@ringd.local>", `From: "unbalanced <sip:probe@ringd.local>`, 1))
	expect("unbalanced quotes in From", 400)
	big := options("TCP", "c1", "", 3000, "")
	send(big[:1500], big[1500:], options("TCP", "c2", "", 0, ""))
	expect("3,000 bytes over max_message 2,048", 513)
	expect("the request after the oversize one", 200)

	next := *r.settings.Load()
	next.Protection.MaxMessage = 4096
	r.Apply(next)
	send(options("TCP", "d1", "", 3000, ""))
	expect("3,000 bytes after max_message became 4,096", 200)

	send(strings.Replace(options("TCP", "e1", "", 0, ""), "Content-Length: 0\r\n", "", 1))
	expect("no Content-Length", 400)
	if got := readStatus(t, c, rd); got != 0 {
		t.Fatalf("after a request without Content-Length the connection is still open (read %d)", got)
	}
}

// Over WebSocket a message is one frame: a request the screen refuses
// gets its 400 in a frame, a frame over max_message gets 513, and the
// connection goes on.
func TestWebSocketRequestsAreScreenedBeforeParsing(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		withListener("ws", "127.0.0.1:0"), func(s *Settings) { s.Protection.MaxMessage = 2048 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := ws.Dialer{Protocols: []string{"sip"}}
	c, _, _, err := d.Dial(ctx, "ws://"+r.boundOn("ws"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exchange := func(what, msg string, want int) {
		t.Helper()
		if err := wsutil.WriteClientText(c, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		b, err := wsutil.ReadServerText(c)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got, _ := strconv.Atoi(strings.Fields(string(b))[1]); got != want {
			t.Fatalf("%s: %d, want %d", what, got, want)
		}
	}
	exchange("a bad CSeq", strings.Replace(options("WS", "w1", "", 0, ""), "CSeq: 1 OPTIONS", "CSeq: -1 OPTIONS", 1), 400)
	exchange("3,000 bytes over max_message 2,048", options("WS", "w2", "", 3000, ""), 513)
	exchange("a good request after them", options("WS", "w3", "", 0, ""), 200)
}
