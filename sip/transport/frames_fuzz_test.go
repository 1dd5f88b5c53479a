package transport

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
)

// FuzzStreamFraming feeds arbitrary bytes, cut into reads at arbitrary
// points, to the filter as a TCP connection's: nothing panics, it never
// hands on more than it read, and what it hands on after each read is
// whole messages - sipgo's stream parser, given it, is never left
// waiting for the rest of one (the filter and sipgo agree on every
// boundary).
func FuzzStreamFraming(f *testing.F) {
	for i, b := range tortureMessages() {
		f.Add(b, []byte{byte(i * 37), byte(i * 11), 200})
	}
	f.Add([]byte("OPTIONS sip:a SIP/2.0\r\nContent-Length: 3\r\n\r\nabc\r\n\r\nSIP/2.0 200 OK\r\nl: 0\r\n\r\n"), []byte{5, 40, 1})
	f.Add([]byte("SIP/2.0 200 OK\r\nl: 0\r\nContent-Length: 5\r\n\r\nhello"), []byte{255})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		fl := NewFilter(Policy{Protection: Protection{MaxMessage: 1024}}, clock.NewFake(time.Unix(1000, 0)), nil, zap.NewNop(), nil)
		props := sip.TransportReadProps{Transport: "TCP", LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5060},
			RemoteAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 9), Port: 40000}}
		parser := sip.NewParser().NewSIPStream()
		read, handed := 0, 0
		for i := 0; len(data) > 0; i++ {
			n := len(data)
			if len(cuts) > 0 {
				n = min(n, 1+int(cuts[i%len(cuts)]))
			}
			chunk := append([]byte(nil), data[:n]...)
			data = data[n:]
			read += n
			out, err := fl.Read(props, chunk)
			if err != nil {
				return // the connection is closed
			}
			handed += len(out)
			if handed > read {
				t.Fatalf("handed on %d bytes of %d read", handed, read)
			}
			if len(out) == 0 || len(out) <= 4 && len(trimEOL(out)) == 0 {
				continue
			}
			if err := parser.ParseSIPStream(out, func(sip.Message) {}); errors.Is(err, sip.ErrParseSipPartial) {
				t.Fatalf("sipgo waits for the rest of a message the filter handed on whole: %q", out)
			} else if err != nil {
				return // sipgo closes the connection
			}
		}
	})
}
