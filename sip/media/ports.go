package media

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
)

// ErrNoPorts is Open's error when every port of the range is in use.
var ErrNoPorts = errors.New("media: no free RTP port")

// Ports hands out RTP ports from [min,max] on one IP: even numbers only
// (RTCP would be the odd port above; ringd does not open it). It is safe
// for concurrent use.
type Ports struct {
	ip       netip.Addr
	network  string
	min, max int // even

	mu   sync.Mutex
	next int          // where the round-robin search starts
	used map[int]bool // ports handed out and not yet closed
}

// NewPorts makes the pool of the even ports in [min,max] on ip. An odd
// min is rounded up and an odd max down; the range must lie within
// 1024..65534 and hold at least one even port.
func NewPorts(ip netip.Addr, min, max int) (*Ports, error) {
	if !ip.IsValid() {
		return nil, fmt.Errorf("media: RTP ports: invalid IP address")
	}
	if min > max {
		return nil, fmt.Errorf("media: RTP ports %d-%d: min above max", min, max)
	}
	if min < 1024 || max > 65534 {
		return nil, fmt.Errorf("media: RTP ports %d-%d: outside 1024-65534", min, max)
	}
	lo, hi := min+min&1, max-max&1
	if lo > hi {
		return nil, fmt.Errorf("media: RTP ports %d-%d: no even port in the range", min, max)
	}
	network := "udp4"
	if ip.Is6() && !ip.Is4In6() {
		network = "udp6"
	}
	return &Ports{ip: ip.Unmap(), network: network, min: lo, max: hi, next: lo, used: map[int]bool{}}, nil
}

// Port is one RTP port taken from Ports, with its bound socket.
type Port struct {
	Conn *net.UDPConn

	pool   *Ports
	number int
	closed atomic.Bool
}

// Open binds a UDP socket on the next free even port, going round-robin
// through the range (so a port just given back is the last to be reused)
// and skipping ports that another program holds. It returns ErrNoPorts
// when no port could be bound, and any other bind error (such as an IP
// address that is not the host's) as it is.
func (p *Ports) Open() (*Port, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := (p.max-p.min)/2 + 1
	for range n {
		port := p.next
		p.next += 2
		if p.next > p.max {
			p.next = p.min
		}
		if p.used[port] {
			continue
		}
		conn, err := net.ListenUDP(p.network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(p.ip, uint16(port))))
		if errors.Is(err, syscall.EADDRINUSE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.used[port] = true
		return &Port{Conn: conn, pool: p, number: port}, nil
	}
	return nil, ErrNoPorts
}

// InUse is the number of ports handed out and not yet closed.
func (p *Ports) InUse() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.used)
}

// Number is the port's UDP port number.
func (p *Port) Number() int { return p.number }

// Close closes the socket and gives the port back to the pool. Calls
// after the first do nothing and return nil.
func (p *Port) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := p.Conn.Close()
	p.pool.mu.Lock()
	delete(p.pool.used, p.number)
	p.pool.mu.Unlock()
	return err
}
