// Package siptest provides real SIP user agents (sipgo, on 127.0.0.1) that
// play phones and callers in ringd's tests: they register, ring, answer,
// refuse, dial and hang up, and keep what they saw. It is test support:
// only tests import it.
package siptest

import (
	"context"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Agent is a real SIP user agent on 127.0.0.1 (sipgo), playing a phone:
// it registers, answers or refuses INVITEs as told, and keeps what it saw.
type Agent struct {
	T      testing.TB
	Ext    string
	UA     *sipgo.UserAgent
	Srv    *sipgo.Server
	Client *sipgo.Client
	Port   int

	Mu      sync.Mutex
	Invites []*sip.Request
	Cancels []*sip.Request // CANCELs received (their INVITE was cancelled)
	Acks    int
	Byes    int
	Options int // OPTIONS received (keep-alives)
	// Notifies are the NOTIFYs received (BLF), answered NotifyCode (200
	// when 0).
	Notifies   []*sip.Request
	NotifyCode int
	Quiet      bool // leave OPTIONS unanswered (a phone gone)
	// Transport is how the agent reaches ringd: UDP (its own socket), or
	// TCP, TLS, WS (a connection it opens, which ringd's requests come
	// back on).
	Transport string
	// ContactURI, when set, is the Contact the agent registers and answers
	// with instead of its socket's address.
	ContactURI *sip.Uri
	Tags       map[string]string // the To tag this agent answered with, by Call-ID
	// RTP, when set (UseRTP), is where this agent's SDP (offers and
	// answers) points.
	RTP *RTPSink
	// Offer, when set (UseOffer), is the SDP body of the calls this agent places.
	Offer  []byte
	behave func(a *Agent, req *sip.Request, tx sip.ServerTransaction)
	got    chan *sip.Request // every INVITE, as it arrives
}

// NewAgent starts an agent for extension ext on a free 127.0.0.1 UDP port;
// it stops when the test ends. It answers INVITEs at once until told otherwise.
func NewAgent(t testing.TB, ext string) *Agent {
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
	// Its requests leave from its own socket: ringd sees the address its
	// Contact names (a phone not behind NAT).
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(port),
		sipgo.WithClientConnectionAddr(conn.LocalAddr().String()))
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(t, ext, ua, srv, client)
	a.Port = port
	go func() { _ = srv.ServeUDP(conn) }()
	t.Cleanup(func() { _ = ua.Close(); _ = conn.Close() })
	// The client sends from the socket once sipgo serves it.
	for pool := ua.TransportLayer().Pool("udp"); pool.Size() == 0; {
		runtime.Gosched()
	}
	return a
}

// newAgent wires an agent's handlers.
func newAgent(t testing.TB, ext string, ua *sipgo.UserAgent, srv *sipgo.Server, client *sipgo.Client) *Agent {
	a := &Agent{T: t, Ext: ext, UA: ua, Srv: srv, Client: client, Transport: "UDP", got: make(chan *sip.Request, 16), Tags: map[string]string{}}
	a.behave = AnswerAfter(0)
	srv.OnInvite(a.onInvite)
	srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { a.Mu.Lock(); a.Acks++; a.Mu.Unlock() })
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		a.Mu.Lock()
		a.Byes++
		a.Mu.Unlock()
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	srv.OnCancel(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "No Such Transaction", nil))
	})
	srv.OnNotify(func(req *sip.Request, tx sip.ServerTransaction) {
		a.Mu.Lock()
		a.Notifies = append(a.Notifies, req)
		code := a.NotifyCode
		a.Mu.Unlock()
		if code == 0 {
			code = 200
		}
		_ = tx.Respond(sip.NewResponseFromRequest(req, code, "", nil))
	})
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		a.Mu.Lock()
		a.Options++
		quiet := a.Quiet
		a.Mu.Unlock()
		if !quiet {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
		}
	})
	return a
}

// Contact is the URI the agent registers and answers at.
func (a *Agent) Contact() sip.Uri {
	if a.ContactURI != nil {
		return *a.ContactURI
	}
	return sip.Uri{Scheme: "sip", User: a.Ext, Host: "127.0.0.1", Port: a.Port}
}

func (a *Agent) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	a.Mu.Lock()
	a.Invites = append(a.Invites, req)
	behave := a.behave
	a.Mu.Unlock()
	select {
	case a.got <- req:
	default:
	}
	behave(a, req, tx)
}

// response builds a response with this agent's To tag and Contact.
func (a *Agent) response(req *sip.Request, code int, reason string, tag string, body []byte) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, body)
	res.To().Params.Add("tag", tag)
	if code >= 180 && code < 300 {
		res.AppendHeader(&sip.ContactHeader{Address: a.Contact()})
	}
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	return res
}

// AnswerAfter rings (180) and answers with 200 after d, unless cancelled.
func AnswerAfter(d time.Duration) func(*Agent, *sip.Request, sip.ServerTransaction) {
	return answer(func() <-chan time.Time { return time.After(d) })
}

// AnswerWhen rings (180) and answers with 200 once now is closed, unless
// cancelled: the test says when.
func AnswerWhen(now <-chan struct{}) func(*Agent, *sip.Request, sip.ServerTransaction) {
	return answer(func() <-chan time.Time {
		c := make(chan time.Time, 1)
		go func() { <-now; c <- time.Time{} }()
		return c
	})
}

// answer rings (180) and answers with 200 when the channel wait gives
// delivers, unless cancelled.
func answer(wait func() <-chan time.Time) func(*Agent, *sip.Request, sip.ServerTransaction) {
	return func(a *Agent, req *sip.Request, tx sip.ServerTransaction) {
		tag := sip.GenerateTagN(8)
		a.Mu.Lock()
		a.Tags[req.CallID().Value()] = tag
		a.Mu.Unlock()
		cancelled := make(chan struct{})
		if !tx.OnCancel(func(c *sip.Request) { a.cancelled(c); close(cancelled) }) {
			return
		}
		_ = tx.Respond(a.response(req, 180, "Ringing", tag, nil))
		select {
		case <-wait():
			_ = tx.Respond(a.response(req, 200, "OK", tag, a.sdp()))
		case <-cancelled:
		}
	}
}

// RingForever rings until cancelled.
func RingForever(a *Agent, req *sip.Request, tx sip.ServerTransaction) {
	AnswerAfter(time.Hour)(a, req, tx)
}

// TryingOnly answers 100 Trying and nothing more until cancelled, as a
// gateway still looking for where to ring does.
func TryingOnly(a *Agent, req *sip.Request, tx sip.ServerTransaction) {
	cancelled := make(chan struct{})
	if !tx.OnCancel(func(c *sip.Request) { a.cancelled(c); close(cancelled) }) {
		return
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 100, "Trying", nil))
	select {
	case <-time.After(time.Hour):
	case <-cancelled:
	}
}

// Refuse answers at once with a failure code.
func Refuse(code int) func(*Agent, *sip.Request, sip.ServerTransaction) {
	return func(a *Agent, req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(a.response(req, code, "Refused", sip.GenerateTagN(8), nil))
	}
}

func (a *Agent) cancelled(c *sip.Request) {
	a.Mu.Lock()
	a.Cancels = append(a.Cancels, c)
	a.Mu.Unlock()
}

// SetBehaviour tells the agent how to answer the next INVITEs.
func (a *Agent) SetBehaviour(f func(*Agent, *sip.Request, sip.ServerTransaction)) {
	a.Mu.Lock()
	a.behave = f
	a.Mu.Unlock()
}

// Counts returns how many INVITEs, CANCELs, ACKs and BYEs the agent got.
func (a *Agent) Counts() (invites, cancels, acks, byes int) {
	a.Mu.Lock()
	defer a.Mu.Unlock()
	return len(a.Invites), len(a.Cancels), a.Acks, a.Byes
}

// Register binds this agent at ringd with digest authentication.
func (a *Agent) Register(ringd string, password string, expires int, headers ...sip.Header) *sip.Response {
	a.T.Helper()
	req := a.registerRequest(ringd, expires)
	for _, h := range headers {
		req.AppendHeader(h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := a.Client.Do(ctx, req)
	if err != nil {
		a.T.Fatalf("REGISTER: %v", err)
	}
	if res.StatusCode == 401 && password != "" {
		res, err = a.Client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: a.Ext, Password: password})
		if err != nil {
			a.T.Fatalf("REGISTER with credentials: %v", err)
		}
	}
	return res
}

func (a *Agent) registerRequest(ringd string, expires int) *sip.Request {
	host, port, _ := net.SplitHostPort(ringd)
	p, _ := strconv.Atoi(port)
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: host, Port: p})
	if a.Transport != "UDP" {
		req.Recipient.UriParams = sip.NewParams()
		req.Recipient.UriParams.Add("transport", strings.ToLower(a.Transport))
	}
	aor := sip.Uri{Scheme: "sip", User: a.Ext, Host: "ringd.local"}
	req.AppendHeader(&sip.ToHeader{Address: aor})
	from := &sip.FromHeader{Address: aor, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ContactHeader{Address: a.Contact()})
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	return req
}

// sdp is the agent's SDP: at its RTP sink when it has one.
func (a *Agent) sdp() []byte {
	a.Mu.Lock()
	offer, sink := a.Offer, a.RTP
	a.Mu.Unlock()
	if offer != nil {
		return offer
	}
	if sink != nil {
		return SDPFor(sink.Port(), 0, 8)
	}
	return SDP(a.Port)
}

// UseRTP points the agent's SDP at sink and returns it.
func (a *Agent) UseRTP(sink *RTPSink) *RTPSink {
	a.Mu.Lock()
	a.RTP = sink
	a.Mu.Unlock()
	return sink
}

// UseOffer makes body the SDP of the calls this agent places.
func (a *Agent) UseOffer(body []byte) {
	a.Mu.Lock()
	a.Offer = body
	a.Mu.Unlock()
}

// SDP is a PCMU offer or answer at a port nobody listens on (port+1000).
func SDP(port int) []byte {
	return []byte("v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
		strconv.Itoa(port+1000) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
}

// WaitInvite waits for the next INVITE this agent receives.
func (a *Agent) WaitInvite(d time.Duration) *sip.Request {
	a.T.Helper()
	select {
	case r := <-a.got:
		return r
	case <-time.After(d):
		a.T.Fatalf("%s: no INVITE within %v", a.Ext, d)
		return nil
	}
}

// NoInvite checks that no INVITE arrives within d.
func (a *Agent) NoInvite(d time.Duration) {
	a.T.Helper()
	select {
	case r := <-a.got:
		a.T.Fatalf("%s: unexpected INVITE %s", a.Ext, r.StartLine())
	case <-time.After(d):
	}
}
