package bench

import "net"

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
