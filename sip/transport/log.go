package transport

import (
	"log/slog"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// RouteLibraryLogs sends sipgo's own log output (log/slog) into zap. It sets
// a process-wide default, so the program calls it once at start.
func RouteLibraryLogs(log *zap.Logger) {
	// Sampled: sipgo logs every datagram it cannot parse at error level, and
	// a flood of garbage must not become a flood of log lines (the first 10
	// of a message each second, then none until the next second).
	core := zapcore.NewSamplerWithOptions(log.Named("sipgo").Core(), time.Second, 10, 0)
	sip.SetDefaultLogger(slog.New(zapslog.NewHandler(core)))
}

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
