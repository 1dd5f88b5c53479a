package transport

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The UDP listener gets the buffer asked for, or (unprivileged) all that
// net.core.rmem_max allows: never the ~208 KB default.
func TestUDPListenerBuffers(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got := growBuffers(conn.(*net.UDPConn), udpBuffer)

	want := udpBuffer
	if os.Geteuid() != 0 {
		b, err := os.ReadFile("/proc/sys/net/core/rmem_max")
		if err != nil {
			t.Fatal(err)
		}
		max, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		want = min(udpBuffer, max)
	}
	if got != want {
		t.Fatalf("receive buffer granted = %d bytes, want %d (euid %d)", got, want, os.Geteuid())
	}
}
