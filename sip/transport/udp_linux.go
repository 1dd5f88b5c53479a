package transport

import (
	"net"
	"syscall"
)

// growBuffers sets the socket's receive and send buffers to n bytes, past
// net.core.rmem_max/wmem_max when the process may (CAP_NET_ADMIN, as root),
// else as far as the limit allows; it returns the receive buffer granted
// (the kernel reports twice what it counts as payload room; halved here).
func growBuffers(c *net.UDPConn, n int) int {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	got := 0
	_ = raw.Control(func(fd uintptr) {
		for _, opt := range [][2]int{{syscall.SO_RCVBUFFORCE, syscall.SO_RCVBUF}, {syscall.SO_SNDBUFFORCE, syscall.SO_SNDBUF}} {
			if syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt[0], n) != nil {
				_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt[1], n)
			}
		}
		if v, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF); err == nil {
			got = v / 2
		}
	})
	return got
}
