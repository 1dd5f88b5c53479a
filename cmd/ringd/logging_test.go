package main

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Call lines wait in the buffer; a warning goes out at once, after them,
// and Stop writes what is left.
func TestLogLinesAreBufferedUntilAWarning(t *testing.T) {
	var out syncBuffer
	ws := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(&out), Size: logBuffer, FlushInterval: time.Hour}
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	log := zap.New(flushFrom{zapcore.NewCore(enc, ws, zap.InfoLevel), zapcore.WarnLevel}).With(zap.String("node", "a"))

	log.Info("call", zap.String("id", "1"))
	log.Info("call", zap.String("id", "2"))
	if got := out.String(); got != "" {
		t.Fatalf("info lines written before a flush: %q", got)
	}
	log.Warn("member unreachable")
	got := out.String()
	if i1, i2, iw := strings.Index(got, `"id":"1"`), strings.Index(got, `"id":"2"`), strings.Index(got, "member unreachable"); i1 < 0 || i2 < i1 || iw < i2 {
		t.Fatalf("after a warning the log holds %q; want both calls, then the warning", got)
	}
	if !strings.Contains(got, `"node":"a"`) {
		t.Fatalf("fields of With lost: %q", got)
	}
	log.Info("call", zap.String("id", "3"))
	if strings.Contains(out.String(), `"id":"3"`) {
		t.Fatal("an info line after the warning was written at once")
	}
	_ = ws.Stop()
	if !strings.Contains(out.String(), `"id":"3"`) {
		t.Fatalf("Stop did not write the buffered line: %q", out.String())
	}
}

// syncCounter is a log destination that counts fsync-like Syncs.
type syncCounter struct {
	syncBuffer
	syncs int
}

func (s *syncCounter) Sync() error { s.syncs++; return nil }

// Flushing the buffer writes to stderr but never syncs it to disk: the
// periodic flush did, ten times a second.
func TestLogFlushesDoNotSyncTheFile(t *testing.T) {
	var out syncCounter
	ws := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(writeOnly{&out}), Size: logBuffer, FlushInterval: time.Hour}
	log := zap.New(flushFrom{zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), ws, zap.InfoLevel), zapcore.WarnLevel})
	log.Info("call")
	log.Warn("member unreachable")
	_ = log.Sync()
	_ = ws.Stop()
	if !strings.Contains(out.String(), "member unreachable") || out.syncs != 0 {
		t.Fatalf("wrote %q with %d syncs; want the lines and no sync", out.String(), out.syncs)
	}
	out.syncs = 0
	_ = zapcore.AddSync(&out).Sync()
	if out.syncs != 1 {
		t.Fatal("the counter does not count: the test measures nothing")
	}
}
