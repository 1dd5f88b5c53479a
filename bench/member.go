package bench

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// member is one member agent: its own sipgo user agent, on its own UDP
// port or its own connection to ringd, playing a phone that rings, answers
// or refuses as its behaviour says.
type member struct {
	ext       string
	ip        string
	port      int    // the UDP socket's port; 0 over a stream
	transport string // udp, tcp, tls or ws
	ua        *sipgo.UserAgent
	srv       *sipgo.Server
	client    *sipgo.Client
	conn      net.PacketConn // nil over a stream
	dialogs   *sipgo.DialogServerCache
	choose    func() Behaviour // the behaviour of the next INVITE
	ctx       context.Context  // ends when the run tears the members down
	sdp       []byte
}

// startMember serves ext: over UDP it listens on ip:port (0: any free
// port); over a stream it connects when it first registers.
func startMember(ctx context.Context, ext, ip string, port int, transport string, choose func() Behaviour, w *wire) (*member, error) {
	m := &member{ext: ext, ip: ip, transport: transport, choose: choose, ctx: ctx}
	if transport == "udp" {
		conn, err := net.ListenPacket("udp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", ext, err)
		}
		growBuffers(conn)
		m.conn, m.port = conn, conn.LocalAddr().(*net.UDPAddr).Port
	}
	m.sdp = sdpOffer(ip, m.port)
	var err error
	if m.ua, m.srv, m.client, err = agentUA("ringbench-member-"+ext, ip, m.port, transport); err != nil {
		if m.conn != nil {
			m.conn.Close()
		}
		return nil, err
	}
	m.dialogs = sipgo.NewDialogServerCache(m.client, sip.ContactHeader{Address: m.contact()})
	m.srv.OnInvite(m.onInvite)
	m.srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { _ = m.dialogs.ReadAck(req, tx) })
	m.srv.OnBye(m.onBye)
	m.srv.OnCancel(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
	})
	m.srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	if m.conn != nil {
		theTap.add(m.conn.LocalAddr().String(), w, true)
		go func() { _ = m.srv.ServeUDP(m.conn) }()
	}
	return m, nil
}

// contact is the URI the member answers at (and registers).
func (m *member) contact() sip.Uri {
	if m.conn == nil {
		return streamContact(m.ext, m.transport)
	}
	return sip.Uri{Scheme: "sip", User: m.ext, Host: m.ip, Port: m.port}
}

// close stops the agent.
func (m *member) close() {
	_ = m.ua.Close()
	if m.conn != nil {
		theTap.remove(m.conn.LocalAddr().String())
		_ = m.conn.Close()
	}
}

func (m *member) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	d, err := m.dialogs.ReadInvite(req, tx)
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 400, "Bad Request", nil))
		return
	}
	answered := false
	defer func() {
		if !answered {
			_ = d.Close() // an answered dialog stays until its BYE
		}
	}()
	b := m.choose()
	switch b.Kind {
	case Busy:
		_ = d.Respond(486, "Busy Here", nil)
		return
	case NoAnswer:
		_ = d.Respond(100, "Trying", nil)
		m.waitEnd(d, 0, false)
	case Ring:
		_ = d.Respond(180, "Ringing", nil)
		m.waitEnd(d, 0, false)
	case Answer:
		_ = d.Respond(180, "Ringing", nil)
		if !m.waitEnd(d, b.After, true) {
			return
		}
		// RespondSDP repeats the 200 until the ACK comes (RFC 6026);
		// the dialog then waits in the cache for its BYE.
		answered = d.RespondSDP(m.sdp) == nil
	}
}

// waitEnd waits until the INVITE is cancelled (or its transaction ends, or
// the run tears down), or, when timed, until after has passed. It returns
// true when the time is up and the INVITE is still alive.
func (m *member) waitEnd(d *sipgo.DialogServerSession, after time.Duration, timed bool) bool {
	var expired <-chan time.Time
	if timed {
		t := time.NewTimer(after)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-expired:
		return true
	case <-d.Context().Done():
	case <-m.ctx.Done():
		_ = d.Respond(480, "Temporarily Unavailable", nil)
	}
	return false
}

func (m *member) onBye(req *sip.Request, tx sip.ServerTransaction) {
	if err := m.dialogs.ReadBye(req, tx); err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
}
