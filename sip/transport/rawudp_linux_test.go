package transport

import (
	"github.com/ringd/ringd/sip/clock"

	"bytes"
	"errors"
	"net"
	"testing"
	"time"
)

// Datagrams go both ways through rawUDP with their bytes and the peer's
// address intact, over IPv4 and IPv6, including a read that has to wait
// for its datagram in the poller.
func TestRawUDPCarriesDatagrams(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			c, err := net.ListenPacket("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			u := newRawUDP(c.(*net.UDPConn))
			defer u.Close()
			if _, ok := u.(*rawUDP); !ok {
				t.Fatalf("listener not wrapped: %T", u)
			}
			peer, err := net.ListenPacket("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()

			got := make(chan error, 1)
			buf := make([]byte, 2048)
			go func() { // blocks first: nothing has been sent yet
				n, from, err := u.ReadFrom(buf)
				switch {
				case err != nil:
					got <- err
				case !bytes.Equal(buf[:n], []byte("INVITE sip:6000@ringd.local SIP/2.0\r\n")):
					got <- errors.New("read " + string(buf[:n]))
				case from.String() != peer.LocalAddr().String():
					got <- errors.New("from " + from.String() + ", want " + peer.LocalAddr().String())
				default:
					got <- nil
				}
			}()
			time.Sleep(20 * time.Millisecond) // let the reader wait in the poller
			if _, err := peer.WriteTo([]byte("INVITE sip:6000@ringd.local SIP/2.0\r\n"), u.LocalAddr()); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-got:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("no datagram read")
			}

			reply := bytes.Repeat([]byte("x"), 60000) // a large SDP-sized datagram, one write
			if n, err := u.WriteTo(reply, peer.LocalAddr()); err != nil || n != len(reply) {
				t.Fatalf("WriteTo = %d, %v", n, err)
			}
			_ = peer.SetReadDeadline(clock.Real().Now().Add(3 * time.Second))
			in := make([]byte, 65536)
			n, from, err := peer.ReadFrom(in)
			if err != nil || !bytes.Equal(in[:n], reply) || from.String() != u.LocalAddr().String() {
				t.Fatalf("peer read %d bytes from %v: %v", n, from, err)
			}
		})
	}
}

// Closing the listener ends a read waiting in it with net.ErrClosed, which
// is how sipgo's reader knows to stop.
func TestRawUDPCloseEndsARead(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := newRawUDP(c.(*net.UDPConn))
	done := make(chan error, 1)
	go func() {
		_, _, err := u.ReadFrom(make([]byte, 1500))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	u.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read after close: %v, want net.ErrClosed", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the read outlived the listener")
	}
}

// An IPv4 peer of an IPv6 socket is written as ::ffff:a.b.c.d; an IPv6
// peer of an IPv4 socket is left to the net package (which refuses it).
func TestRawUDPDestinations(t *testing.T) {
	var w udpWrite
	if !w.address(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 3), Port: 5060}, true) || !w.six {
		t.Fatal("IPv4 peer of an IPv6 socket not written as IPv6")
	}
	if want := [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 3}; w.to6.Addr != want || port(w.to6.Port) != 5060 {
		t.Fatalf("mapped address %v port %d", w.to6.Addr, port(w.to6.Port))
	}
	if !w.address(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 3), Port: 5080}, false) || w.six || w.to4.Addr != [4]byte{127, 0, 0, 3} || port(w.to4.Port) != 5080 {
		t.Fatalf("IPv4 peer of an IPv4 socket: six %v %v port %d", w.six, w.to4.Addr, port(w.to4.Port))
	}
	if w.address(&net.UDPAddr{IP: net.IPv6loopback, Port: 5060}, false) {
		t.Fatal("IPv6 peer accepted for an IPv4 socket")
	}
}

// A link-local peer's zone is its interface's name, looked up once.
func TestRawUDPZoneNames(t *testing.T) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if z := zoneName(uint32(lo.Index)); z != "lo" {
		t.Fatalf("zone of index %d = %q, want lo", lo.Index, z)
	}
	if z, ok := zones.Load(uint32(lo.Index)); !ok || z != "lo" {
		t.Fatalf("zone not cached: %v %v", z, ok)
	}
	if z := zoneName(1 << 30); z != "1073741824" {
		t.Fatalf("zone of an unknown index = %q, want its number", z)
	}
}
