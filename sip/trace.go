package sip

import (
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
)

// SetTrace turns the logging of every SIP message ringd reads and writes on
// or off (log.sip_trace). It is process-wide, like sipgo's tracer.
func SetTrace(log *zap.Logger, on bool) {
	if !on {
		sip.SIPDebug = false
		sip.SIPDebugTracer(nil)
		return
	}
	sip.SIPDebugTracer(tracer{log.Named("sip")})
	sip.SIPDebug = true
}

type tracer struct{ log *zap.Logger }

func (t tracer) SIPTraceRead(transport, laddr, raddr string, msg []byte) {
	t.log.Info("sip read", zap.String("transport", transport), zap.String("from", raddr), zap.String("to", laddr), zap.ByteString("message", msg))
}

func (t tracer) SIPTraceWrite(transport, laddr, raddr string, msg []byte) {
	t.log.Info("sip write", zap.String("transport", transport), zap.String("from", laddr), zap.String("to", raddr), zap.ByteString("message", msg))
}
