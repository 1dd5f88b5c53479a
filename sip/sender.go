package sip

import (
	"net/netip"
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// sender writes the requests the driver sends. A UDP datagram to an IP
// address is written at once, on the driver goroutine: a non-blocking
// socket answers at once. Anything that may wait - a TCP connection to
// open, a host name to resolve - goes to a few writer goroutines, so that
// one unreachable peer never holds every call up; their failures come
// back as events.
type sender struct {
	client  *sipgo.Client
	jobs    chan job
	inbox   *inbox
	pending int // jobs handed to the writers and not done yet (the driver's count)
}

type job struct {
	req *sip.Request
	key string // the client transaction's branch ("" for an ACK)
}

// writers is how many goroutines write what may wait.
const writers = 8

func newSender(client *sipgo.Client, inbox *inbox) *sender {
	return &sender{client: client, jobs: make(chan job, 1024), inbox: inbox}
}

// start starts the writer goroutines; they end with stop.
func (s *sender) start() {
	for range writers {
		go func() {
			for j := range s.jobs {
				err := s.client.WriteRequest(j.req, proxy.Prebuilt)
				s.inbox.put(event{kind: evWritten, req: j.req, key: j.key, fail: err != nil}, always)
			}
		}()
	}
}

// stop ends the writer goroutines once their jobs are done.
func (s *sender) stop() { close(s.jobs) }

// write sends req: now, or through a writer. The error of a write done now
// is returned; a writer's comes back as evWritten.
func (d *driver) write(req *sip.Request, key string) error {
	if inline(req) {
		return d.send.client.WriteRequest(req, proxy.Prebuilt)
	}
	d.send.pending++
	d.send.jobs <- job{req: req, key: key}
	return nil
}

// inline reports whether req is a UDP datagram to an IP address.
func inline(req *sip.Request) bool {
	if !strings.EqualFold(req.Transport(), "UDP") {
		return false
	}
	host := req.Recipient.Host
	if r := req.Route(); r != nil {
		host = r.Address.Host
	}
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil
}

// written: a writer is done with a request; a failure ends its
// transaction.
func (d *driver) written(req *sip.Request, key string, failed bool) {
	d.send.pending--
	if !failed || key == "" {
		return
	}
	if b := d.branches[key]; b != nil {
		b.Fork.WriteFailed(b, req)
		return
	}
	if tx := d.requests[key]; tx != nil {
		d.forgetRequest(tx)
	}
}

// originate sends a request ringd originates (a CANCEL, a BYE) as a client
// transaction of its own, which retransmits it and absorbs the answer.
func (d *driver) originate(req *sip.Request) {
	tx := proxy.NewRequestTx(req)
	d.requests[tx.Key] = tx
	if err := d.write(req, tx.Key); err != nil {
		d.forgetRequest(tx)
		return
	}
	tx.Start(d.now())
	at, ok := tx.Next()
	d.arm(tx, at, ok)
}

// fireRequest runs a request transaction's timer.
func (d *driver) fireRequest(tx *proxy.RequestTx, now int64) {
	switch tx.Fire(now) {
	case proxy.Resend:
		_ = d.write(tx.Req, tx.Key)
	case proxy.Over:
		d.forgetRequest(tx)
		return
	}
	at, ok := tx.Next()
	d.arm(tx, at, ok)
}

func (d *driver) forgetRequest(tx *proxy.RequestTx) {
	d.timers.Clear(tx)
	delete(d.requests, tx.Key)
}

// response routes a response to the client transaction it answers.
func (d *driver) response(res *sip.Response) {
	cseq, via := res.CSeq(), res.Via()
	if cseq == nil || via == nil {
		return
	}
	key, _ := via.Params.Get("branch")
	now := d.now()
	if cseq.MethodName == sip.INVITE {
		if b := d.branches[key]; b != nil {
			b.Fork.Response(b, res, now)
		}
		return
	}
	if tx := d.requests[key]; tx != nil {
		tx.Receive(res, now)
		at, ok := tx.Next()
		d.arm(tx, at, ok)
	}
}
