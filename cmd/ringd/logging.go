package main

import (
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ringd/ringd/config"
)

// newLogger builds the process logger: the configured level (info by
// default) and format; without a format, text on a terminal, JSON otherwise.
// The level can change at run time (SIGHUP, PUT /api/v1/log/level).
func newLogger(c config.LogConfig) (*zap.Logger, zap.AtomicLevel, error) {
	level := zap.NewAtomicLevelAt(zap.InfoLevel)
	if err := setLevel(level, c); err != nil {
		return nil, level, err
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
	return zap.New(zapcore.NewCore(enc, zapcore.Lock(os.Stderr), level)), level, nil
}

// setLevel applies the configured level (info when none).
func setLevel(level zap.AtomicLevel, c config.LogConfig) error {
	if c.Level == "" {
		level.SetLevel(zap.InfoLevel)
		return nil
	}
	return level.UnmarshalText([]byte(c.Level))
}
