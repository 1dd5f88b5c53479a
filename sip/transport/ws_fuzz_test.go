package transport

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/gobwas/ws"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
)

// byteConn is a connection whose peer sent exactly the bytes of r and
// then closed it; what is written to it is dropped.
type byteConn struct{ r *bytes.Reader }

func (c byteConn) Read(b []byte) (int, error)       { return c.r.Read(b) }
func (c byteConn) Write(b []byte) (int, error)      { return len(b), nil }
func (c byteConn) Close() error                     { return nil }
func (c byteConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5066} }
func (c byteConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 9), Port: 40000} }
func (c byteConn) SetDeadline(time.Time) error      { return nil }
func (c byteConn) SetReadDeadline(time.Time) error  { return nil }
func (c byteConn) SetWriteDeadline(time.Time) error { return nil }

// wsFrames is msg as a client sends it: masked text frames, split in
// parts of at most part bytes.
func wsFrames(msg string, part int) []byte {
	var out bytes.Buffer
	for i := 0; i < len(msg); i += part {
		end := min(i+part, len(msg))
		op := ws.OpText
		if i > 0 {
			op = ws.OpContinuation
		}
		f := ws.NewFrame(op, end == len(msg), []byte(msg[i:end]))
		_ = ws.WriteFrame(&out, ws.MaskFrameInPlace(f))
	}
	return out.Bytes()
}

// FuzzWebSocketFrames reads arbitrary bytes as what a WebSocket client
// sends after its upgrade, the way a ringd WebSocket listener does -
// sipgo's frame reading, then its stream parser, then ringd's read
// filter: nothing panics, no read returns more than its buffer, an
// oversize frame ends the connection instead of being buffered, and every
// message parsed is handed on whole.
func FuzzWebSocketFrames(f *testing.F) {
	options := "OPTIONS sip:ringd.local SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n" +
		"To: <sip:ringd.local>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
	f.Add(wsFrames(options, len(options)))
	f.Add(wsFrames(options, 7))
	f.Add(append(wsFrames(options, 50), wsFrames(options, 1000)...))
	var ctl bytes.Buffer
	_ = ws.WriteFrame(&ctl, ws.MaskFrame(ws.NewPingFrame([]byte("hi"))))
	_ = ws.WriteFrame(&ctl, ws.MaskFrame(ws.NewBinaryFrame([]byte(options))))
	_ = ws.WriteFrame(&ctl, ws.MaskFrame(ws.NewCloseFrame(nil)))
	f.Add(ctl.Bytes())
	var big bytes.Buffer
	_ = ws.WriteHeader(&big, ws.Header{Fin: true, OpCode: ws.OpText, Length: 1 << 40, Masked: true})
	f.Add(big.Bytes())
	filter := NewFilter(Policy{Protection: DefaultProtection()}, clock.NewFake(time.Unix(1000, 0)), nil, zap.NewNop(), nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &sip.WSConnection{Conn: byteConn{bytes.NewReader(data)}}
		par := sip.NewParser().NewSIPStream()
		buf := make([]byte, 4096)
		for reads := 0; ; reads++ {
			if reads > len(data)+1 {
				t.Fatalf("%d reads of %d bytes: the reader does not move on", reads, len(data))
			}
			n, err := c.Read(buf)
			if n > len(buf) {
				t.Fatalf("read %d bytes into %d", n, len(buf))
			}
			if n > 0 {
				_ = par.ParseSIPStream(buf[:n], func(m sip.Message) {
					if req, ok := m.(*sip.Request); ok {
						req.SetTransport("WS")
						req.SetSource("127.0.0.9:40000")
						_ = filter.AdmitStream(req)
					}
				})
			}
			if err != nil {
				return
			}
		}
	})
}
