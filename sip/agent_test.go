package sip

import (
	"context"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// agent is a real SIP user agent on 127.0.0.1 (sipgo), playing a phone:
// it registers, answers or refuses INVITEs as told, and keeps what it saw.
type agent struct {
	t      *testing.T
	ext    string
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	port   int

	mu      sync.Mutex
	invites []*sip.Request
	cancels []*sip.Request // CANCELs received (their INVITE was cancelled)
	acks    int
	byes    int
	behave  func(a *agent, req *sip.Request, tx sip.ServerTransaction)
	got     chan *sip.Request // every INVITE, as it arrives
}

func newAgent(t *testing.T, ext string) *agent {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("agent-" + ext))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(port))
	if err != nil {
		t.Fatal(err)
	}
	a := &agent{t: t, ext: ext, ua: ua, srv: srv, client: client, port: port, got: make(chan *sip.Request, 16)}
	a.behave = answerAfter(0)
	srv.OnInvite(a.onInvite)
	srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { a.mu.Lock(); a.acks++; a.mu.Unlock() })
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		a.mu.Lock()
		a.byes++
		a.mu.Unlock()
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	srv.OnCancel(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "No Such Transaction", nil))
	})
	go func() { _ = srv.ServeUDP(conn) }()
	t.Cleanup(func() { _ = ua.Close(); _ = conn.Close() })
	return a
}

func (a *agent) contact() sip.Uri {
	return sip.Uri{Scheme: "sip", User: a.ext, Host: "127.0.0.1", Port: a.port}
}

func (a *agent) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	a.mu.Lock()
	a.invites = append(a.invites, req)
	behave := a.behave
	a.mu.Unlock()
	select {
	case a.got <- req:
	default:
	}
	behave(a, req, tx)
}

// response builds a response with this agent's To tag and Contact.
func (a *agent) response(req *sip.Request, code int, reason string, tag string, body []byte) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, body)
	res.To().Params.Add("tag", tag)
	if code >= 180 && code < 300 {
		res.AppendHeader(&sip.ContactHeader{Address: a.contact()})
	}
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	return res
}

// answerAfter rings (180) and answers with 200 after d, unless cancelled.
func answerAfter(d time.Duration) func(*agent, *sip.Request, sip.ServerTransaction) {
	return func(a *agent, req *sip.Request, tx sip.ServerTransaction) {
		tag := sip.GenerateTagN(8)
		cancelled := make(chan struct{})
		if !tx.OnCancel(func(c *sip.Request) { a.cancelled(c); close(cancelled) }) {
			return
		}
		_ = tx.Respond(a.response(req, 180, "Ringing", tag, nil))
		select {
		case <-time.After(d):
			_ = tx.Respond(a.response(req, 200, "OK", tag, testSDP(a.port)))
		case <-cancelled:
		}
	}
}

// ringForever rings until cancelled.
func ringForever(a *agent, req *sip.Request, tx sip.ServerTransaction) {
	answerAfter(time.Hour)(a, req, tx)
}

// refuse answers at once with a failure code.
func refuse(code int) func(*agent, *sip.Request, sip.ServerTransaction) {
	return func(a *agent, req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(a.response(req, code, reasonPhrase(code), sip.GenerateTagN(8), nil))
	}
}

func (a *agent) cancelled(c *sip.Request) {
	a.mu.Lock()
	a.cancels = append(a.cancels, c)
	a.mu.Unlock()
}

func (a *agent) setBehaviour(f func(*agent, *sip.Request, sip.ServerTransaction)) {
	a.mu.Lock()
	a.behave = f
	a.mu.Unlock()
}

func (a *agent) counts() (invites, cancels, acks, byes int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.invites), len(a.cancels), a.acks, a.byes
}

// register binds this agent at ringd with digest authentication.
func (a *agent) register(ringd string, password string, expires int) *sip.Response {
	a.t.Helper()
	req := a.registerRequest(ringd, expires)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := a.client.Do(ctx, req)
	if err != nil {
		a.t.Fatalf("REGISTER: %v", err)
	}
	if res.StatusCode == 401 && password != "" {
		res, err = a.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: a.ext, Password: password})
		if err != nil {
			a.t.Fatalf("REGISTER with credentials: %v", err)
		}
	}
	return res
}

func (a *agent) registerRequest(ringd string, expires int) *sip.Request {
	host, port, _ := net.SplitHostPort(ringd)
	p, _ := strconv.Atoi(port)
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: host, Port: p})
	aor := sip.Uri{Scheme: "sip", User: a.ext, Host: "ringd.local"}
	req.AppendHeader(&sip.ToHeader{Address: aor})
	from := &sip.FromHeader{Address: aor, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ContactHeader{Address: a.contact()})
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	return req
}

func testSDP(port int) []byte {
	return []byte("v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
		strconv.Itoa(port+1000) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
}

// waitInvite waits for the next INVITE this agent receives.
func (a *agent) waitInvite(d time.Duration) *sip.Request {
	a.t.Helper()
	select {
	case r := <-a.got:
		return r
	case <-time.After(d):
		a.t.Fatalf("%s: no INVITE within %v", a.ext, d)
		return nil
	}
}

// noInvite checks that no INVITE arrives within d.
func (a *agent) noInvite(d time.Duration) {
	a.t.Helper()
	select {
	case r := <-a.got:
		a.t.Fatalf("%s: unexpected INVITE %s", a.ext, r.StartLine())
	case <-time.After(d):
	}
}
