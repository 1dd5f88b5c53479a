//go:build !linux

package transport

import "net"

// growBuffers asks for n-byte receive and send buffers; outside Linux the
// size granted is not read back, so it reports n.
func growBuffers(c *net.UDPConn, n int) int {
	_ = c.SetReadBuffer(n)
	_ = c.SetWriteBuffer(n)
	return n
}

// newRawUDP is the listener itself outside Linux (see rawudp_linux.go).
func newRawUDP(c *net.UDPConn) net.PacketConn { return c }
