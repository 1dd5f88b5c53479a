package torture

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ringd/ringd/bench/tool"
)

const tortureUsage = `Usage: ringbench torture -target HOST:PORT -member HOST:PORT [flags]

Sends every RFC 4475 torture message (MANIFEST.tsv in -dir, read at run
time) to ringd exactly as it is in its file: over UDP (from -source, on
the port of the message's top Via, 5060 when it has none: where ringd
answers), then over TCP (a new connection each) and, when asked, TLS and
WebSocket (-tls-target, -ws-target; a message in one frame), and for each
request to sip:user@... a copy with only that user changed to 6000, the
ring group whose only member is the agent on -member (it answers INVITEs
486 and nothing else). A failed INVITE sent over UDP is ACKed, as a caller would.
A copy waits until ringd's UDP transaction of the same message has ended
(-linger after the answer, or -linger-unacked for an INVITE whose answer
could not be ACKed).

After each message: a plain OPTIONS must get 200 within -probe-timeout,
and ringd (-pid) must still run. Checks: INVALID, SEMANTIC-REJECT and
TRANSACTION messages never get 2xx nor reach the member; valid ones are
not refused 400/416/420/483/505 unless the RFC names that code; responses
get no answer; every answer is the one in bench/torture/table.go (which
says where ringd differs from the RFC and why). Then a stray ACK must get
no answer and an unmatched CANCEL 481.

Prints a line per send and a summary line; -md writes the differences
from the RFC as a markdown table.

Exit status: 0 when every check and table row held, 1 otherwise, 2 for
bad flags or a run that could not be made.

Flags:
`

// Main is ringbench torture: it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg := DefaultTortureConfig
	fs := tool.Flags("torture", tortureUsage, stderr)
	fs.StringVar(&cfg.Dir, "dir", cfg.Dir, "`directory` of MANIFEST.tsv and the .dat files")
	fs.StringVar(&cfg.Target, "target", "", "ringd's SIP `address` (UDP and TCP, 127.0.0.0/8; required)")
	fs.StringVar(&cfg.Source, "source", cfg.Source, "`address` the messages come from (127.0.0.0/8)")
	fs.StringVar(&cfg.Member, "member", "", "UDP `address` of the member agent, extension 1001's contact (required)")
	fs.StringVar(&cfg.Domain, "domain", cfg.Domain, "ringd's sip.domain (the OPTIONS probes go to sip:DOMAIN)")
	fs.IntVar(&cfg.PID, "pid", 0, "ringd's process id, checked after every message (0: not checked)")
	fs.DurationVar(&cfg.Window, "window", cfg.Window, "how long replies are collected (UDP), or the idle time that ends a TCP read")
	fs.DurationVar(&cfg.ProbeTimeout, "probe-timeout", cfg.ProbeTimeout, "how long the OPTIONS after each message may take")
	fs.DurationVar(&cfg.Linger, "linger", cfg.Linger, "how long ringd keeps a finished UDP transaction (a copy of the message waits that long)")
	fs.DurationVar(&cfg.LingerUnacked, "linger-unacked", cfg.LingerUnacked, "how long ringd keeps an INVITE transaction whose failure the runner could not ACK")
	fs.StringVar(&cfg.TLSTarget, "tls-target", "", "ringd's TLS listener `address`, for the transport tls")
	fs.StringVar(&cfg.WSTarget, "ws-target", "", "ringd's WebSocket listener `address`, for the transport ws")
	transports := fs.String("transports", strings.Join(cfg.Transports, ","), "transports to send over: udp,tcp,tls,ws (tls and ws need -tls-target, -ws-target)")
	md := fs.String("md", "", "write the differences from the RFC as a markdown table to `file` (- for stdout)")
	if code, ok := tool.Parse(fs, args); !ok {
		return code
	}
	if cfg.Target == "" || cfg.Member == "" {
		fmt.Fprintln(stderr, "ringbench torture: -target and -member are required")
		return 2
	}
	cfg.Transports = nil
	for _, t := range strings.Split(*transports, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t != "udp" && t != "tcp" && t != "tls" && t != "ws":
			fmt.Fprintf(stderr, "ringbench torture: -transports: %q is not udp, tcp, tls or ws\n", t)
			return 2
		case t == "tls" && cfg.TLSTarget == "", t == "ws" && cfg.WSTarget == "":
			fmt.Fprintf(stderr, "ringbench torture: -transports: %s needs -%s-target\n", t, t)
			return 2
		}
		cfg.Transports = append(cfg.Transports, t)
	}
	rep, err := RunTorture(ctx, cfg, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "ringbench torture:", err)
		return 2
	}
	if *md != "" {
		if err := writeMarkdown(rep, *md, stdout); err != nil {
			fmt.Fprintln(stderr, "ringbench torture:", err)
			return 2
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

// writeMarkdown writes the report's differences to path ("-": w).
func writeMarkdown(rep *TortureReport, path string, w io.Writer) error {
	if path == "-" {
		return rep.WriteMarkdown(w)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteMarkdown(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
