package proxy

import (
	"context"
	"errors"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Relay sends out, a forwarded copy of in, statefully through a sipgo
// client transaction and passes every response back on tx (with reply,
// which counts it), until the final one; without an answer in time (the
// transaction's Timer B or F) the sender gets 408, 503 when out could not
// be sent. It returns once tx has its final response or is gone: the
// handler goroutine of an in-dialog request waits here.
func Relay(client *sipgo.Client, in *sip.Request, tx sip.ServerTransaction, out *sip.Request, reply func(sip.ServerTransaction, *sip.Response) error) {
	ctl, err := client.TransactionRequest(context.Background(), out, Prebuilt)
	if err != nil {
		_ = reply(tx, Response(in, 503, ReasonPhrase(503)))
		return
	}
	defer ctl.Terminate()
	for {
		select {
		case res := <-ctl.Responses():
			if res.StatusCode == 100 {
				continue
			}
			_ = reply(tx, Upstream(res, in, false))
			if res.StatusCode >= 200 {
				return
			}
		case <-ctl.Done():
			code := 408
			if err := ctl.Err(); err != nil && !errors.Is(err, sip.ErrTransactionTimeout) {
				code = 503
			}
			_ = reply(tx, Response(in, code, ReasonPhrase(code)))
			return
		case <-tx.Done():
			return
		}
	}
}
