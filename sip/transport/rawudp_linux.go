package transport

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"unsafe"
)

// rawUDP is a UDP listener whose datagram reads and writes call recvfrom
// and sendto as raw system calls. A non-blocking UDP socket never blocks
// in either: it answers at once, or EAGAIN, and then the goroutine waits
// for the socket in Go's poller as usual (syscall.RawConn). Through the
// net package each call also told the scheduler it entered a system call;
// with one scheduler thread (GOMAXPROCS=1, ringd's setting under load)
// the runtime's monitor, seeing the thread in a system call, handed the
// thread's work to a second thread and polled every 20 us to do so again:
// at 500 calls/s that was 6,000 extra wake-ups and 2,000 thread hand-offs
// a second, all to cover calls that return within microseconds.
type rawUDP struct {
	*net.UDPConn
	rc     syscall.RawConn
	inet6  bool // an AF_INET6 socket: IPv4 peers are written as ::ffff:a.b.c.d
	reads  sync.Pool
	writes sync.Pool
}

// newRawUDP wraps c; it returns c itself where the socket cannot be read
// (then the net package's calls are used).
func newRawUDP(c *net.UDPConn) net.PacketConn {
	rc, err := c.SyscallConn()
	if err != nil {
		return c
	}
	u := &rawUDP{UDPConn: c, rc: rc}
	family := -1
	if err := rc.Control(func(fd uintptr) {
		if sa, err := syscall.Getsockname(int(fd)); err == nil {
			switch sa.(type) {
			case *syscall.SockaddrInet4:
				family = syscall.AF_INET
			case *syscall.SockaddrInet6:
				family = syscall.AF_INET6
			}
		}
	}); err != nil || family < 0 {
		return c
	}
	u.inet6 = family == syscall.AF_INET6
	u.reads.New = func() any { r := &udpRead{}; r.fn = r.recv; return r }
	u.writes.New = func() any { w := &udpWrite{}; w.fn = w.send; return w }
	return u
}

// udpRead is one read's state. Its fn is bound once, so a read allocates
// no closure.
type udpRead struct {
	fn    func(fd uintptr) bool
	buf   []byte
	n     int
	errno syscall.Errno
	from  syscall.RawSockaddrAny
}

func (r *udpRead) recv(fd uintptr) bool {
	for {
		fromLen := uint32(syscall.SizeofSockaddrAny)
		n, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&r.buf[0])), uintptr(len(r.buf)), 0,
			uintptr(unsafe.Pointer(&r.from)), uintptr(unsafe.Pointer(&fromLen)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // wait in the poller until a datagram is there
		}
		r.n, r.errno = int(n), e
		return true
	}
}

// ReadFrom reads one datagram into b. It first lets the goroutines that
// are ready run: sipgo handles each datagram it read in a goroutine of its
// own, and Go runs the newest ready goroutine first, so two datagrams read
// back to back - an ACK and the BYE right behind it - were handled in the
// reverse order; yielding here lets the previous datagram's goroutine start
// (and hand its message on) before the next one is read. Twice: one yield
// in 61 lands on the scheduler's fairness turn, which runs the yielding
// goroutine again at once.
func (u *rawUDP) ReadFrom(b []byte) (int, net.Addr, error) {
	runtime.Gosched()
	runtime.Gosched()
	if len(b) == 0 {
		return u.UDPConn.ReadFrom(b)
	}
	r := u.reads.Get().(*udpRead)
	r.buf, r.errno = b, 0
	err := u.rc.Read(r.fn)
	n, errno := r.n, r.errno
	var from *net.UDPAddr
	if err == nil && errno == 0 {
		from = udpAddrOf(&r.from)
	}
	r.buf = nil
	u.reads.Put(r)
	switch {
	case err != nil:
		return 0, nil, err
	case errno != 0:
		return 0, nil, &net.OpError{Op: "read", Net: "udp", Source: u.LocalAddr(), Err: os.NewSyscallError("recvfrom", errno)}
	case from == nil:
		return u.UDPConn.ReadFrom(b) // a sender of an unknown family: not from UDP over IP
	}
	return n, from, nil
}

// udpAddrOf converts a received sockaddr; nil for a family other than IPv4
// or IPv6. The address and its IP are one allocation.
func udpAddrOf(sa *syscall.RawSockaddrAny) *net.UDPAddr {
	type addrWithIP struct {
		net.UDPAddr
		ip [16]byte
	}
	switch sa.Addr.Family {
	case syscall.AF_INET:
		in := (*syscall.RawSockaddrInet4)(unsafe.Pointer(sa))
		a := &addrWithIP{}
		copy(a.ip[:4], in.Addr[:])
		a.IP, a.Port = a.ip[:4], port(in.Port)
		return &a.UDPAddr
	case syscall.AF_INET6:
		in := (*syscall.RawSockaddrInet6)(unsafe.Pointer(sa))
		a := &addrWithIP{ip: in.Addr}
		a.IP, a.Port = a.ip[:], port(in.Port)
		if in.Scope_id != 0 {
			a.Zone = zoneName(in.Scope_id)
		}
		return &a.UDPAddr
	}
	return nil
}

// zones caches interface names by index: a link-local peer's datagrams
// would otherwise cost a netlink query each.
var zones sync.Map // uint32 -> string

// zoneName is the name of interface index i (its number when it has none).
func zoneName(i uint32) string {
	if z, ok := zones.Load(i); ok {
		return z.(string)
	}
	z := strconv.FormatUint(uint64(i), 10)
	if ifi, err := net.InterfaceByIndex(int(i)); err == nil {
		z = ifi.Name
	}
	zones.Store(i, z)
	return z
}

// port reads a port in network byte order.
func port(p uint16) int {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return int(b[0])<<8 | int(b[1])
}

// setPort writes a port in network byte order.
func setPort(dst *uint16, p int) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(p>>8), byte(p)
}

// udpWrite is one write's state, like udpRead.
type udpWrite struct {
	fn    func(fd uintptr) bool
	buf   []byte
	n     int
	errno syscall.Errno
	six   bool
	to4   syscall.RawSockaddrInet4
	to6   syscall.RawSockaddrInet6
}

func (w *udpWrite) send(fd uintptr) bool {
	to, size := unsafe.Pointer(&w.to4), uintptr(syscall.SizeofSockaddrInet4)
	if w.six {
		to, size = unsafe.Pointer(&w.to6), uintptr(syscall.SizeofSockaddrInet6)
	}
	for {
		n, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&w.buf[0])), uintptr(len(w.buf)), 0, uintptr(to), size)
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // the send buffer is full: wait until it drains
		}
		w.n, w.errno = int(n), e
		return true
	}
}

// address fills in the destination; false when this socket cannot reach
// it directly (an IPv6 peer of an IPv4 socket, or a zone to look up).
func (w *udpWrite) address(a *net.UDPAddr, inet6 bool) bool {
	if ip4 := a.IP.To4(); ip4 != nil && !inet6 {
		w.six = false
		w.to4 = syscall.RawSockaddrInet4{Family: syscall.AF_INET}
		copy(w.to4.Addr[:], ip4)
		setPort(&w.to4.Port, a.Port)
		return true
	}
	ip16 := a.IP.To16()
	if !inet6 || ip16 == nil || a.Zone != "" {
		return false
	}
	w.six = true
	w.to6 = syscall.RawSockaddrInet6{Family: syscall.AF_INET6}
	copy(w.to6.Addr[:], ip16) // To16 maps an IPv4 address to ::ffff:a.b.c.d
	setPort(&w.to6.Port, a.Port)
	return true
}

// WriteTo writes b as one datagram to addr.
func (u *rawUDP) WriteTo(b []byte, addr net.Addr) (int, error) {
	a, ok := addr.(*net.UDPAddr)
	if !ok || len(b) == 0 || a.Port <= 0 || a.Port > 0xffff {
		return u.UDPConn.WriteTo(b, addr)
	}
	w := u.writes.Get().(*udpWrite)
	if !w.address(a, u.inet6) {
		u.writes.Put(w)
		return u.UDPConn.WriteTo(b, addr)
	}
	w.buf, w.errno = b, 0
	err := u.rc.Write(w.fn)
	n, errno := w.n, w.errno
	w.buf = nil
	u.writes.Put(w)
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, &net.OpError{Op: "write", Net: "udp", Source: u.LocalAddr(), Addr: addr, Err: os.NewSyscallError("sendto", errno)}
	}
	return n, nil
}
