package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/metrics"
	"github.com/ringd/ringd/sip/proxy"
)

// replies sends responses on server transactions and counts them
// (ringd_sip_responses_total): the handlers' and the driver's.
type replies struct{ metrics *metrics.Metrics }

// reply sends a response (ringd's own or relayed) on a server
// transaction; a transaction that is gone already is not an error worth
// more than the return value (the peer retransmits or has given up).
func (r replies) reply(tx sip.ServerTransaction, res *sip.Response) error {
	err := tx.Respond(res)
	if err == nil {
		r.metrics.Response(res.StatusCode)
	}
	return err
}

// respond answers a server transaction with a response of ringd's own.
func (r replies) respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, hdrs ...sip.Header) {
	_ = r.reply(tx, proxy.Response(req, code, reason, hdrs...))
}
