package main

import (
	"io"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ringd/ringd/config"
)

// Log lines are buffered: written when logBuffer bytes are waiting or
// logFlush after the first of them, and at once from a warning up, with
// what waits before it (flushFrom). Writing each call's line on its own
// cost ringd a system call per call - a tenth of its CPU at 500 calls/s.
// What is buffered when the process is killed outright is lost.
const (
	logBuffer = 64 << 10
	logFlush  = 100 * time.Millisecond
)

// newLogger builds the process logger: the configured level (info by
// default) and format; without a format, text on a terminal, JSON otherwise.
// The level can change at run time (SIGHUP, PUT /api/v1/log/level). stop
// writes what is buffered and ends the flushing.
func newLogger(c config.LogConfig) (log *zap.Logger, level zap.AtomicLevel, stop func(), err error) {
	level = zap.NewAtomicLevelAt(zap.InfoLevel)
	if err := setLevel(level, c); err != nil {
		return nil, level, nil, err
	}
	format := c.Format
	if format == "" {
		format = "json"
		if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			format = "text"
		}
	}
	var enc zapcore.Encoder
	if format == "text" {
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
		enc = zapcore.NewConsoleEncoder(ec)
	} else {
		ec := zap.NewProductionEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(ec)
	}
	// The buffer's flush syncs what it writes to; stderr is written, never
	// fsynced (as before buffering): a sync of the log file ten times a
	// second cost a tenth of ringd's CPU.
	ws := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(writeOnly{os.Stderr}), Size: logBuffer, FlushInterval: logFlush}
	core := flushFrom{zapcore.NewCore(enc, ws, level), zapcore.WarnLevel}
	return zap.New(core), level, func() { _ = ws.Stop() }, nil
}

// writeOnly hides a file's Sync (fsync) from zapcore.AddSync.
type writeOnly struct{ io.Writer }

// flushFrom writes a log entry of at least level out at once, with the
// entries buffered before it.
type flushFrom struct {
	zapcore.Core
	level zapcore.Level
}

func (c flushFrom) With(fields []zapcore.Field) zapcore.Core {
	return flushFrom{c.Core.With(fields), c.level}
}

func (c flushFrom) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c flushFrom) Write(e zapcore.Entry, fields []zapcore.Field) error {
	err := c.Core.Write(e, fields)
	if e.Level >= c.level {
		if serr := c.Core.Sync(); err == nil {
			err = serr
		}
	}
	return err
}

// setLevel applies the configured level (info when none).
func setLevel(level zap.AtomicLevel, c config.LogConfig) error {
	if c.Level == "" {
		level.SetLevel(zap.InfoLevel)
		return nil
	}
	return level.UnmarshalText([]byte(c.Level))
}
