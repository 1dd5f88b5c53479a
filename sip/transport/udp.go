package transport

import (
	"net"
	"runtime"

	"go.uber.org/zap"
)

// udpBuffer is the kernel receive and send buffer asked for each UDP
// listener. Linux's default (net.core.rmem_default, ~208 KB) holds about
// 250 INVITEs: a burst of calls, or a garbage-collection pause of a few
// milliseconds at 1,000 messages/s, overflows it and the kernel drops
// datagrams (UDP RcvbufErrors), which cost a retransmission 500 ms later.
const udpBuffer = 8 << 20

// listenUDP binds a UDP listener with large buffers. When the kernel grants
// less than udpBuffer (an unprivileged process is held to
// net.core.rmem_max), it says so once, with the sysctl to raise.
func listenUDP(log *zap.Logger, addr string) (net.PacketConn, error) {
	conn, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	uc := conn.(*net.UDPConn)
	got := growBuffers(uc, udpBuffer)
	if got < udpBuffer {
		log.Warn("the kernel granted a smaller UDP receive buffer than asked; bursts may drop datagrams: raise net.core.rmem_max",
			zap.Stringer("addr", conn.LocalAddr()), zap.Int("asked", udpBuffer), zap.Int("granted", got))
	}
	return newRawUDP(uc), nil
}

// udpReaders is how many goroutines read (and parse) each UDP listener's
// datagrams: one per CPU, as parsing is the costly part of receiving. sipgo
// handles every message in a goroutine of its own afterwards, so the order
// of arrival was never kept beyond the read.
func udpReaders() int { return runtime.GOMAXPROCS(0) }
