package bench

import (
	"log/slog"
	"os"

	"github.com/emiago/sipgo/sip"
)

// sipLevel gates sipgo's own log lines: off unless -v (then warnings and
// errors go to stderr). Under overload sipgo logs a line per dropped
// transaction, which would bury the progress line.
var sipLevel = func() *slog.LevelVar {
	v := new(slog.LevelVar)
	v.Set(slog.LevelError + 100)
	return v
}()

var sipLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: sipLevel}))

func init() { sip.SetDefaultLogger(sipLogger) }

// setVerbose turns sipgo's warnings and errors on or off.
func setVerbose(on bool) {
	if on {
		sipLevel.Set(slog.LevelWarn)
	} else {
		sipLevel.Set(slog.LevelError + 100)
	}
}
