package media

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ringd/ringd/bench/tool"
)

const rtpListenUsage = `Usage: ringbench rtp-listen -addr HOST:PORT [flags]

Receives RTP on a UDP port until nothing has come for -idle (once
something has), or -for has passed, or SIGINT/SIGTERM; prints one line:

  rtp-listen 127.0.0.1:15100: packets=75 from=127.0.0.1:15092 pt=0 ssrcs=1
    seq_breaks=0 ts_steps=160 sizes=160 markers=1 mean=20.0ms max_gap=21.3ms
    duration=1.480s first=UNIX.us last=UNIX.us end=idle: ok

(first/last: arrival times of the first and last packet) and checks the
stream: packet count in -min..-max, every datagram RTP version 2, one
source address, one SSRC, one payload type (-pt: that one), sequence
numbers going up by 1, timestamps by -samples, payloads of -samples
bytes, the marker bit on the first packet only, mean inter-arrival
-interval ± -tolerance, no inter-arrival above -max-gap. A failed check
ends the line with "FAIL" and the reasons.

Exit status: 0 when every check passed, 1 when one failed, 2 for bad
flags or a port that cannot be bound.

Flags:
`

// RTPListenMain is ringbench rtp-listen: it returns the exit status.
func RTPListenMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	w := DefaultRTPWant
	fs := tool.Flags("rtp-listen", rtpListenUsage, stderr)
	addr := fs.String("addr", "127.0.0.1:0", "UDP `address` to receive on")
	limit := fs.Duration("for", 10*time.Second, "receive at most this long")
	idle := fs.Duration("idle", time.Second, "stop once nothing came for this long (after the first datagram)")
	fs.IntVar(&w.Min, "min", w.Min, "at least this many packets")
	fs.IntVar(&w.Max, "max", w.Max, "at most this many packets (0: no limit)")
	fs.IntVar(&w.PT, "pt", w.PT, "payload type of every packet (-1: any, one for all)")
	fs.IntVar(&w.Samples, "samples", w.Samples, "timestamp step and payload bytes of every packet (0: not checked)")
	fs.DurationVar(&w.Interval, "interval", w.Interval, "expected mean inter-arrival time (0: not checked)")
	fs.DurationVar(&w.Tolerance, "tolerance", w.Tolerance, "allowed distance of the mean inter-arrival from -interval")
	fs.DurationVar(&w.MaxGap, "max-gap", w.MaxGap, "longest inter-arrival time allowed (0: not checked)")
	if code, ok := tool.Parse(fs, args); !ok {
		return code
	}
	l, err := ListenRTP(*addr)
	if err != nil {
		fmt.Fprintln(stderr, "ringbench rtp-listen:", err)
		return 2
	}
	name := l.Addr().String()
	s, end, err := l.Run(ctx, *limit, *idle)
	if err != nil {
		fmt.Fprintln(stderr, "ringbench rtp-listen:", err)
		return 2
	}
	line := fmt.Sprintf("rtp-listen %s: %s end=%s", name, s.Summary(), end)
	if bad := s.Check(w); len(bad) > 0 {
		fmt.Fprintf(stdout, "%s: FAIL %s\n", line, strings.Join(bad, "; "))
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", line)
	return 0
}

const toneUsage = `Usage: ringbench tone -o FILE.wav [flags]

Writes a sine tone as a WAV prompt file: mono, 16-bit PCM at -rate Hz
(ringd plays 8000 Hz files; another rate makes a file it must refuse).
-ms 500 at 8000 Hz is 4000 samples: 25 RTP packets of 20 ms.

Flags:
`

// ToneMain is ringbench tone: it returns the exit status.
func ToneMain(_ context.Context, args []string, _, stderr io.Writer) int {
	t := Tone{}
	fs := tool.Flags("tone", toneUsage, stderr)
	out := fs.String("o", "", "WAV `file` to write (required)")
	msec := fs.Int("ms", 500, "length in milliseconds")
	fs.Float64Var(&t.Hz, "hz", 440, "frequency (0: silence)")
	fs.IntVar(&t.Rate, "rate", 8000, "sample rate")
	fs.Float64Var(&t.Amp, "amp", 0.5, "amplitude, 0..1 of full scale")
	if code, ok := tool.Parse(fs, args); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "ringbench tone: -o is required")
		return 2
	}
	t.Duration = time.Duration(*msec) * time.Millisecond
	if err := t.WriteFile(*out); err != nil {
		fmt.Fprintln(stderr, "ringbench tone:", err)
		return 2
	}
	return 0
}
