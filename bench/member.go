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

// member is one member agent: its own sipgo user agent on its own UDP
// port, playing a phone that rings, answers or refuses as its behaviour says.
type member struct {
	ext     string
	ip      string
	port    int
	ua      *sipgo.UserAgent
	srv     *sipgo.Server
	client  *sipgo.Client
	conn    net.PacketConn
	dialogs *sipgo.DialogServerCache
	choose  func() Behaviour // the behaviour of the next INVITE
	ctx     context.Context  // ends when the run tears the members down
	sdp     []byte
}

// startMember listens on ip:port (0: any free port) and serves ext.
func startMember(ctx context.Context, ext, ip string, port int, choose func() Behaviour, w *wire) (*member, error) {
	conn, err := net.ListenPacket("udp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", ext, err)
	}
	growBuffers(conn)
	port = conn.LocalAddr().(*net.UDPAddr).Port
	m := &member{ext: ext, ip: ip, port: port, conn: conn, choose: choose, ctx: ctx}
	m.sdp = sdpOffer(ip, port)
	if m.ua, err = sipgo.NewUA(sipgo.WithUserAgent("ringbench-member-"+ext), sipgo.WithUserAgentHostname(ip)); err != nil {
		conn.Close()
		return nil, err
	}
	if m.srv, err = sipgo.NewServer(m.ua, sipgo.WithServerLogger(sipLogger)); err == nil {
		m.client, err = sipgo.NewClient(m.ua, sipgo.WithClientHostname(ip), sipgo.WithClientPort(port), sipgo.WithClientLogger(sipLogger))
	}
	if err != nil {
		m.ua.Close()
		conn.Close()
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
	theTap.add(conn.LocalAddr().String(), w, true)
	go func() { _ = m.srv.ServeUDP(conn) }()
	return m, nil
}

// contact is the URI the member answers at (and registers).
func (m *member) contact() sip.Uri {
	return sip.Uri{Scheme: "sip", User: m.ext, Host: m.ip, Port: m.port}
}

// close stops the agent.
func (m *member) close() {
	theTap.remove(m.conn.LocalAddr().String())
	_ = m.ua.Close()
	_ = m.conn.Close()
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
