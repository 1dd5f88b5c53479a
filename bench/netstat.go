package bench

import (
	"bytes"
	"net"
	"os"
	"strconv"
)

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

// UDPErrors are the host's UDP receive errors during the run (from
// /proc/net/snmp: every process on the machine, ringd and ringbench
// included): datagrams dropped because a socket's buffer was full.
type UDPErrors struct {
	InErrors     int64 `json:"in_errors"`
	RcvbufErrors int64 `json:"rcvbuf_errors"`
}

// udpErrors reads the counters (false when /proc/net/snmp is missing).
func udpErrors() (UDPErrors, bool) {
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return UDPErrors{}, false
	}
	var names []string
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("Udp: "))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if names == nil {
			for _, n := range f {
				names = append(names, string(n))
			}
			continue
		}
		var u UDPErrors
		for i, v := range f {
			n, _ := strconv.ParseInt(string(v), 10, 64)
			if i < len(names) {
				switch names[i] {
				case "InErrors":
					u.InErrors = n
				case "RcvbufErrors":
					u.RcvbufErrors = n
				}
			}
		}
		return u, true
	}
	return UDPErrors{}, false
}
