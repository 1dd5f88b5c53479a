package siptest

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Call is a call placed by a caller agent through ringd.
type Call struct {
	Sess  *sipgo.DialogClientSession
	Mu    sync.Mutex
	Codes []int
	Early []*sip.Response // provisional responses (1xx but 100)
	Final *sip.Response
	Err   error
	Done  chan struct{}
}

// Dial places a call from agent a (as extension a.Ext) to number at ringd
// and waits for the answer in the background.
func (a *Agent) Dial(ctx context.Context, ringd, number string, headers ...sip.Header) *Call {
	a.T.Helper()
	return a.DialWith(ctx, ringd, number, sipgo.AnswerOptions{}, headers...)
}

// DialWith is Dial with answer options (digest credentials).
func (a *Agent) DialWith(ctx context.Context, ringd, number string, opts sipgo.AnswerOptions, headers ...sip.Header) *Call {
	a.T.Helper()
	host, port, _ := net.SplitHostPort(ringd)
	p, _ := strconv.Atoi(port)
	dc := sipgo.NewDialogClientCache(a.Client, sip.ContactHeader{Address: a.Contact()})
	from := &sip.FromHeader{DisplayName: "Caller " + a.Ext, Address: sip.Uri{Scheme: "sip", User: a.Ext, Host: "ringd.local"}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: number, Host: "ringd.local"}, Params: sip.NewParams()}
	hs := append([]sip.Header{from, to, sip.NewHeader("Content-Type", "application/sdp")}, headers...)
	sess, err := dc.Invite(context.Background(), sip.Uri{Scheme: "sip", User: number, Host: host, Port: p}, a.sdp(), hs...)
	if err != nil {
		a.T.Fatalf("INVITE %s: %v", number, err)
	}
	c := &Call{Sess: sess, Done: make(chan struct{})}
	go func() {
		defer close(c.Done)
		opts.OnResponse = func(res *sip.Response) error {
			c.Mu.Lock()
			c.Codes = append(c.Codes, res.StatusCode)
			if res.StatusCode > 100 && res.StatusCode < 200 {
				c.Early = append(c.Early, res)
			}
			if res.StatusCode >= 200 {
				c.Final = res
			}
			c.Mu.Unlock()
			return nil
		}
		err := sess.WaitAnswer(ctx, opts)
		c.Mu.Lock()
		c.Err = err
		c.Mu.Unlock()
	}()
	return c
}

// Wait returns the final response code (0 if none came within d).
func (c *Call) Wait(t testing.TB, d time.Duration) int {
	t.Helper()
	select {
	case <-c.Done:
	case <-time.After(d):
		t.Fatalf("no final response within %v (got %v)", d, c.Codes)
	}
	c.Mu.Lock()
	defer c.Mu.Unlock()
	var de *sipgo.ErrDialogResponse
	if c.Final == nil && errors.As(c.Err, &de) {
		return de.Res.StatusCode
	}
	if c.Final == nil {
		return 0
	}
	return c.Final.StatusCode
}

// Ack acknowledges the answer.
func (c *Call) Ack(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Sess.Ack(ctx); err != nil {
		t.Fatalf("ACK: %v", err)
	}
}

// AckAndBye acknowledges the answer and hangs up through ringd.
func (c *Call) AckAndBye(t testing.TB) {
	t.Helper()
	c.Ack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Sess.Bye(ctx); err != nil {
		t.Fatalf("BYE: %v", err)
	}
}

// HangUp sends a BYE for a call this agent answered (inv is the INVITE it
// got): to the INVITE's Contact, as the UAS of the dialog. It returns the
// BYE's final status code.
func (a *Agent) HangUp(inv *sip.Request) int {
	a.T.Helper()
	a.Mu.Lock()
	tag := a.Tags[inv.CallID().Value()]
	a.Mu.Unlock()
	target := inv.Recipient
	if c := inv.Contact(); c != nil {
		target = c.Address
	}
	bye := sip.NewRequest(sip.BYE, target)
	from := &sip.FromHeader{Address: inv.To().Address, Params: sip.NewParams()}
	from.Params.Add("tag", tag)
	bye.AppendHeader(from)
	bye.AppendHeader(&sip.ToHeader{Address: inv.From().Address, Params: inv.From().Params.Clone()})
	bye.AppendHeader(sip.HeaderClone(inv.CallID()))
	bye.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.BYE})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := a.Client.Do(ctx, bye)
	if err != nil {
		a.T.Fatalf("%s: BYE: %v", a.Ext, err)
	}
	return res.StatusCode
}
