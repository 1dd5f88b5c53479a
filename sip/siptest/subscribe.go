package siptest

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Subscription is a BLF subscription an agent holds at ringd.
type Subscription struct {
	Req *sip.Request  // the initial SUBSCRIBE (its Call-ID and From tag)
	Res *sip.Response // ringd's final answer
}

// Subscribe sends SUBSCRIBE (Event: dialog) for extension watched, with
// Expires expires, answering ringd's challenge with password (none when
// "").
func (a *Agent) Subscribe(ringd, password, watched string, expires int) *Subscription {
	a.T.Helper()
	return a.SubscribeEvent(ringd, password, watched, "dialog", expires)
}

// SubscribeEvent is Subscribe for another event package.
func (a *Agent) SubscribeEvent(ringd, password, watched, event string, expires int) *Subscription {
	a.T.Helper()
	host, port, _ := net.SplitHostPort(ringd)
	p, _ := strconv.Atoi(port)
	req := sip.NewRequest(sip.SUBSCRIBE, sip.Uri{Scheme: "sip", User: watched, Host: host, Port: p})
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: watched, Host: "ringd.local"}, Params: sip.NewParams()})
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: a.Ext, Host: "ringd.local"}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ContactHeader{Address: a.Contact()})
	req.AppendHeader(sip.NewHeader("Event", event))
	req.AppendHeader(sip.NewHeader("Accept", "application/dialog-info+xml"))
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	return &Subscription{Req: req, Res: a.send(req, password)}
}

// Refresh sends an in-dialog SUBSCRIBE for s with a new Expires.
func (a *Agent) Refresh(s *Subscription, password string, expires int, cseq uint32) *sip.Response {
	a.T.Helper()
	req := s.Req.Clone()
	req.RemoveHeader("Via")
	req.RemoveHeader("Authorization")
	req.RemoveHeader("Expires")
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	if tag, ok := s.Res.To().Params.Get("tag"); ok {
		req.To().Params.Add("tag", tag)
	}
	req.CSeq().SeqNo = cseq
	return a.send(req, password)
}

// send sends a request and answers one 401 with the agent's credentials.
func (a *Agent) send(req *sip.Request, password string) *sip.Response {
	a.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := a.Client.Do(ctx, req)
	if err != nil {
		a.T.Fatalf("%s: %v", req.Method, err)
	}
	if res.StatusCode == 401 && password != "" {
		if res, err = a.Client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: a.Ext, Password: password}); err != nil {
			a.T.Fatalf("%s with credentials: %v", req.Method, err)
		}
	}
	return res
}

// NotifyBodies are the bodies of the NOTIFYs received so far.
func (a *Agent) NotifyBodies() []string {
	a.Mu.Lock()
	defer a.Mu.Unlock()
	out := make([]string, len(a.Notifies))
	for i, n := range a.Notifies {
		out[i] = string(n.Body())
	}
	return out
}
