package bench

import (
	"log/slog"
	"net"
	"os"
	"strconv"

	"github.com/emiago/sipgo/sip"
)

// What the member agents and the caller share: sipgo's logger, their
// sockets' buffers and the SDP they offer.

// sipLevel gates sipgo's own log lines: off unless -v (then warnings and
// errors go to stderr). Under overload sipgo logs a line per dropped
// transaction, which would bury the progress line.
var sipLevel = func() *slog.LevelVar {
	v := new(slog.LevelVar)
	v.Set(slog.LevelError + 100)
	return v
}()

var sipLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: sipLevel}))

func init() { sip.SetDefaultLogger(sipLogger) }

// setVerbose turns sipgo's warnings and errors on or off.
func setVerbose(on bool) {
	if on {
		sipLevel.Set(slog.LevelWarn)
	} else {
		sipLevel.Set(slog.LevelError + 100)
	}
}

// socketBuffer is what ringbench asks for its sockets' receive and send
// buffers (the kernel caps it at net.core.rmem_max / wmem_max), so that a
// burst of responses is not dropped on ringbench's side.
const socketBuffer = 4 << 20

func growBuffers(c net.PacketConn) {
	if u, ok := c.(*net.UDPConn); ok {
		_ = u.SetReadBuffer(socketBuffer)
		_ = u.SetWriteBuffer(socketBuffer)
	}
}

// sdpOffer is a minimal audio SDP (ringbench sends and expects no RTP).
func sdpOffer(ip string, port int) []byte {
	return []byte("v=0\r\no=ringbench 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
		strconv.Itoa(20000+port%40000) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
}
