package media

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// freeRange finds n even ports (and the odd ones between them) that are
// free on 127.0.0.1 right now, and returns the first.
func freeRange(t *testing.T, n int) int {
	t.Helper()
	for range 100 {
		base := 20000 + 2*rand.IntN(15000)
		free := true
		for p := base; p < base+2*n && free; p++ {
			c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
			if err != nil {
				free = false
				continue
			}
			c.Close()
		}
		if free {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

func TestPorts(t *testing.T) {
	base := freeRange(t, 4)
	ps, err := NewPorts(loopback, base, base+7)
	if err != nil {
		t.Fatal(err)
	}
	var open []*Port
	for i := range 4 {
		p, err := ps.Open()
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		if p.Number() != base+2*i || addrOf(p.Conn).Port() != uint16(p.Number()) {
			t.Errorf("Open %d: port %d (socket %v), want %d", i, p.Number(), addrOf(p.Conn), base+2*i)
		}
		open = append(open, p)
	}
	if ps.InUse() != 4 {
		t.Errorf("InUse %d, want 4", ps.InUse())
	}
	if _, err := ps.Open(); !errors.Is(err, ErrNoPorts) {
		t.Fatalf("fifth Open: %v, want ErrNoPorts", err)
	}

	if err := open[1].Close(); err != nil {
		t.Fatal(err)
	}
	if err := open[1].Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if ps.InUse() != 3 {
		t.Errorf("InUse %d after Close, want 3", ps.InUse())
	}
	p, err := ps.Open()
	if err != nil || p.Number() != base+2 {
		t.Fatalf("Open after Close: %v, %v; want port %d", p, err, base+2)
	}
	open[1] = p
	for _, p := range open {
		p.Close()
	}
	if ps.InUse() != 0 {
		t.Errorf("InUse %d after closing all", ps.InUse())
	}
}

func TestPortsSkipTaken(t *testing.T) {
	base := freeRange(t, 4)
	other, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: base + 2})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ps, err := NewPorts(loopback, base, base+6)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		p, err := ps.Open()
		if errors.Is(err, ErrNoPorts) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		got = append(got, p.Number())
	}
	if len(got) != 3 || got[0] != base || got[1] != base+4 || got[2] != base+6 {
		t.Errorf("ports %v, want %d %d %d", got, base, base+4, base+6)
	}
}

func TestPortsRoundRobin(t *testing.T) {
	base := freeRange(t, 3)
	ps, err := NewPorts(loopback, base, base+4)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for range 5 {
		p, err := ps.Open()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Number())
		p.Close()
	}
	want := []int{base, base + 2, base + 4, base, base + 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ports %v, want %v", got, want)
		}
	}
}

func TestNewPorts(t *testing.T) {
	for _, c := range []struct {
		min, max int
		lo, hi   int // 0: an error
	}{
		{10000, 20000, 10000, 20000},
		{10001, 10005, 10002, 10004},
		{10000, 10001, 10000, 10000},
		{1024, 65534, 1024, 65534},
		{20000, 10000, 0, 0},
		{1000, 2000, 0, 0},
		{60000, 65535, 0, 0},
		{10001, 10001, 0, 0},
	} {
		ps, err := NewPorts(loopback, c.min, c.max)
		if c.lo == 0 {
			if err == nil {
				t.Errorf("NewPorts(%d, %d): no error", c.min, c.max)
			}
			continue
		}
		if err != nil || ps.min != c.lo || ps.max != c.hi {
			t.Errorf("NewPorts(%d, %d): %+v, %v; want %d-%d", c.min, c.max, ps, err, c.lo, c.hi)
		}
	}
	if _, err := NewPorts(netip.Addr{}, 10000, 10010); err == nil {
		t.Error("invalid IP accepted")
	}
}
