package sip

import (
	"net/netip"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// write sends req: a UDP datagram to an IP address at once, anything else
// through the writers. The error of a write done now is returned; a
// writer's comes back as evWritten.
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
	delete(d.blf.notifies, tx.Key)
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
	if cseq.MethodName == sip.OPTIONS {
		d.keepaliveAnswered(key)
		return
	}
	if cseq.MethodName == sip.NOTIFY {
		d.notified(key, res.StatusCode)
	}
	if tx := d.requests[key]; tx != nil {
		tx.Receive(res, now)
		at, ok := tx.Next()
		d.arm(tx, at, ok)
	}
}
