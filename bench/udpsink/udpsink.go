package udpsink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/ringd/ringd/bench/tool"
)

const udpSinkUsage = `Usage: ringbench udp-sink -addr HOST:PORT [flags]

Binds a UDP port and reads every datagram without ever answering (a
black-holed SIP phone) until -for has passed or SIGINT/SIGTERM; then
prints one line:

  udp-sink 127.0.0.1:15066: datagrams=7012 bytes=5120344 invites=7000
    invite_calls=1000 cancels=0 acks=0 byes=0 other=12 first=UNIX.us last=UNIX.us

invites counts every INVITE datagram (retransmissions included),
invite_calls the distinct Call-IDs among them (the legs ringd started);
first/last are the arrival times of the first and last datagram.

Exit status: 0, or 2 for bad flags or a port that cannot be bound.

Flags:
`

// SinkStats is what a UDP sink received, by SIP method (first word of the
// datagram).
type SinkStats struct {
	Datagrams, Bytes                    int
	Invites, Cancels, ACKs, BYEs, Other int
	InviteCalls                         map[string]bool // Call-IDs of the INVITEs
	First, Last                         time.Time
}

// add counts one datagram.
func (s *SinkStats) add(b []byte, at time.Time) {
	if s.Datagrams == 0 {
		s.First = at
	}
	s.Last = at
	s.Datagrams++
	s.Bytes += len(b)
	switch {
	case bytes.HasPrefix(b, []byte("INVITE ")):
		s.Invites++
		if id := sipHeader(b, "Call-ID", "i"); id != "" {
			s.InviteCalls[id] = true
		}
	case bytes.HasPrefix(b, []byte("CANCEL ")):
		s.Cancels++
	case bytes.HasPrefix(b, []byte("ACK ")):
		s.ACKs++
	case bytes.HasPrefix(b, []byte("BYE ")):
		s.BYEs++
	default:
		s.Other++
	}
}

// Summary is the key=value part of udp-sink's line.
func (s *SinkStats) Summary() string {
	us := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
	}
	return fmt.Sprintf("datagrams=%d bytes=%d invites=%d invite_calls=%d cancels=%d acks=%d byes=%d other=%d first=%s last=%s",
		s.Datagrams, s.Bytes, s.Invites, len(s.InviteCalls), s.Cancels, s.ACKs, s.BYEs, s.Other, us(s.First), us(s.Last))
}

// sipHeader is the value of the first header named long or short (compact
// form) in a SIP message, "" when there is none.
func sipHeader(msg []byte, long, short string) string {
	for _, line := range bytes.Split(msg, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break // end of the headers
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		if bytes.EqualFold(name, []byte(long)) || bytes.EqualFold(name, []byte(short)) {
			return string(bytes.TrimSpace(value))
		}
	}
	return ""
}

// Main is ringbench udp-sink: it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := tool.Flags("udp-sink", udpSinkUsage, stderr)
	addr := fs.String("addr", "127.0.0.1:0", "UDP `address` to bind")
	limit := fs.Duration("for", time.Hour, "read at most this long")
	if code, ok := tool.Parse(fs, args); !ok {
		return code
	}
	ua, err := net.ResolveUDPAddr("udp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "ringbench udp-sink:", err)
		return 2
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		fmt.Fprintln(stderr, "ringbench udp-sink:", err)
		return 2
	}
	_ = conn.SetReadBuffer(4 << 20)
	ctx, cancel := context.WithTimeout(ctx, *limit)
	defer cancel()
	go func() { <-ctx.Done(); _ = conn.Close() }()
	s := SinkStats{InviteCalls: map[string]bool{}}
	buf := make([]byte, 65536)
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
				fmt.Fprintln(stderr, "ringbench udp-sink:", err)
			}
			break
		}
		s.add(buf[:n], time.Now())
	}
	fmt.Fprintf(stdout, "udp-sink %s: %s\n", conn.LocalAddr(), s.Summary())
	return 0
}
