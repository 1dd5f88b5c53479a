package torture

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// tortureMember is the torture run's member agent: the static contact of
// extension 1001, ring group 6000's only member. It records every datagram
// it receives under the label of the message being tried at the time and
// answers nothing, except an INVITE, which gets 486 Busy Here so that
// ringd's leg ends at once.
type tortureMember struct {
	conn *net.UDPConn
	done chan struct{}

	mu    sync.Mutex
	label string              // the message being tried
	got   map[string][]string // label -> first lines received ("INVITE", "ACK", "SIP/2.0 ...")
}

// startTortureMember listens on addr (a 127.0.0.0/8 address).
func startTortureMember(addr string) (*tortureMember, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	if !isLoopback4(ua.IP) {
		return nil, fmt.Errorf("%s is not in 127.0.0.0/8", addr)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	m := &tortureMember{conn: conn, done: make(chan struct{}), got: map[string][]string{}}
	go m.serve()
	return m, nil
}

// setLabel attributes what comes from now on to label.
func (m *tortureMember) setLabel(label string) {
	m.mu.Lock()
	m.label = label
	m.mu.Unlock()
}

// received is what came while label was set.
func (m *tortureMember) received(label string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[label]...)
}

func (m *tortureMember) serve() {
	defer close(m.done)
	buf := make([]byte, 65536)
	for {
		n, from, err := m.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		b := append([]byte(nil), buf[:n]...)
		what := requestMethod(b)
		if _, code, _, ok := statusLine(b); ok {
			what = "response " + strconv.Itoa(code)
		}
		m.mu.Lock()
		m.got[m.label] = append(m.got[m.label], what)
		m.mu.Unlock()
		if what == "INVITE" {
			m.busy(b, from)
		}
	}
}

// busy answers an INVITE 486 Busy Here.
func (m *tortureMember) busy(b []byte, from *net.UDPAddr) {
	msg, err := sip.ParseMessage(b)
	if err != nil {
		return
	}
	req, ok := msg.(*sip.Request)
	if !ok {
		return
	}
	res := sip.NewResponseFromRequest(req, 486, "Busy Here", nil)
	if to := res.To(); to != nil {
		if _, has := to.Params.Get("tag"); !has {
			to.Params.Add("tag", "torture-member")
		}
	}
	_, _ = m.conn.WriteToUDP([]byte(res.String()), from)
}

// close stops the agent.
func (m *tortureMember) close() {
	_ = m.conn.Close()
	<-m.done
}
