package bench

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

const usageHead = `ringbench - SIP load generator for ringd

Usage: ringbench [flags]
       ringbench rtp-listen [flags]   receive and check RTP (the SIPp suite's media cases)
       ringbench tone [flags]         write a sine tone as a WAV prompt file
       ringbench udp-sink [flags]     a black-holed phone: read UDP, never answer (run.sh soak)

Member agents (sipgo, one UDP port each on -local-ip) play the extensions
of -members and answer ringd's INVITEs as -profile says; one caller places
calls to -group through ringd at -proxy on an open-loop schedule and
measures them.

Members reach ringd one of two ways:
  -register                    each member REGISTERs (digest, -password
                               template) from its own port and refreshes it;
                               unregisters at the end
  -member-ports 15101-15150    static contacts: each member listens at its
                               port; ringbench prints the extensions and a
                               ring_all group (skip_busy: false) to paste
                               into ringd.yaml (-print-config: print and stop)

Profiles (what a member does with each INVITE):
  answer[:DUR]   180 Ringing at once, 200 with SDP after DUR (default 0)
                 unless cancelled; waits for the ACK, answers the BYE
  ring           180 Ringing at once, then nothing until CANCEL (487)
  busy           486 Busy Here at once
  noanswer       100 Trying at once, never 180 or a final answer, until
                 CANCEL (487): a phone that took the INVITE and stays
                 silent (how ringd ends legs that never rang)
  mix:B=W,...    weighted mix of the above, e.g.
                 mix:answer:300ms=70,busy=10,ring=20; -mix-by call draws
                 for every INVITE (seeded by -seed), -mix-by member deals
                 one behaviour to each member for the whole run, in
                 proportion to the weights, in mix order

Schedule (open loop): call k is due at k/rate seconds (-ramp A:B: the rate
goes linearly from A to B calls/s over -duration), and is launched at its
due time whatever became of the earlier calls; a late launcher catches up at
once. A call due while -max-inflight calls are up is not sent and counts as
failed (max_inflight). The run ends after -duration or -calls, whichever
comes first (-calls alone: no time limit), once every call has ended.

A call: INVITE (From -caller, digest on 407/401 with -caller-password),
then on 200: ACK, -hold, BYE. Outcomes: answered (200, ACK sent, BYE got
200); failed by final code 480, 486, 487, 408, 503 or other; timeout (no
final response within -timeout: ringbench CANCELs; or no response at all);
bye_failed; error (transport); max_inflight; interrupted (Ctrl-C).

Measured: INVITE->180 (first 180/183) and INVITE->200 from the first
INVITE sent (a digest retry included), BYE->200, and the launcher's own
lag, in log-linear histograms (1% precision): p50/p90/p99/p99.9/max;
retransmissions the caller sent and duplicate final responses it got
(read off the wire); with -ringd-pid, ringd's CPU seconds over the run.
The live line goes to stderr every -interval; the summary to stdout; -json
writes every figure, the config, the start time, Go version and nproc.

Examples:
  ringbench -members 1001-1003 -member-ports 15101 -print-config
  ringbench -proxy 127.0.0.1:5060 -members 1001-1003 -member-ports 15101 \
      -profile answer:100ms -rate 200 -duration 30s -hold 1s -json r.json
  ringbench -register -password 'secret{ext}' -members 1001-1050 \
      -profile mix:answer:300ms=70,busy=10,ring=20 -ramp 10:500 -duration 60s

Exit status: 0 when the run completed (whatever the calls did), 1 when it
could not run, 2 for bad flags.

Flags:
`

// ParseFlags builds a Config from the command line (without the program
// name). -h prints the usage to stderr and returns flag.ErrHelp.
func ParseFlags(args []string, stderr io.Writer) (Config, error) {
	d := Defaults
	c := Config{Args: args}
	fs := flag.NewFlagSet("ringbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	var members, ports, profile, ramp string
	fs.StringVar(&c.Proxy, "proxy", d.Proxy, "ringd's SIP address `host:port` for the members (and the caller, unless -caller-proxy)")
	fs.StringVar(&c.Transport, "transport", d.Transport, "how the members (and the caller, unless -caller-transport) reach ringd: udp | tcp | tls | ws (streams: members must -register; ringd's certificate is not checked)")
	fs.StringVar(&c.CallerProxy, "caller-proxy", "", "ringd's SIP address `host:port` for the caller (default -proxy)")
	fs.StringVar(&c.CallerTransport, "caller-transport", "", "how the caller reaches ringd (default -transport)")
	fs.StringVar(&c.Domain, "domain", d.Domain, "SIP domain of From, To and the members' AORs")
	fs.StringVar(&c.Group, "group", d.Group, "ring group `number` to call")
	fs.StringVar(&members, "members", "1001,1002,1003", "member extensions: `list` like 1001,1002 or 1001-1050")
	fs.BoolVar(&c.Register, "register", false, "members REGISTER with digest auth (else static contacts, -member-ports)")
	fs.StringVar(&c.Password, "password", "secret{ext}", "members' digest password `template`; {ext} is the extension")
	fs.DurationVar(&c.Expires, "expires", d.Expires, "REGISTER expiry (refreshed at half)")
	fs.StringVar(&ports, "member-ports", "", "members' UDP `ports`, one per member (15101-15150), or the first of consecutive ports; with -register optional (default: free ports)")
	fs.StringVar(&c.LocalIP, "local-ip", d.LocalIP, "`IP` the caller and members bind to")
	fs.StringVar(&profile, "profile", "answer:300ms", "member `behaviour`: answer[:DUR] | ring | busy | noanswer | mix:B=W,...")
	fs.StringVar(&c.MixBy, "mix-by", d.MixBy, "mix profile: `call` (each INVITE draws) or member (each member keeps one)")
	fs.Uint64Var(&c.Seed, "seed", d.Seed, "random seed of -mix-by call")
	fs.Float64Var(&c.Rate, "rate", d.Rate, "calls per second (constant)")
	fs.StringVar(&ramp, "ramp", "", "open-loop linear ramp `FROM:TO` calls/s over -duration (instead of -rate)")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "launch window (ignored when only -calls is given)")
	fs.IntVar(&c.Calls, "calls", 0, "stop after this many calls (0: no limit)")
	fs.IntVar(&c.MaxInflight, "max-inflight", d.MaxInflight, "calls up at once; calls due beyond it fail as max_inflight")
	fs.DurationVar(&c.Hold, "hold", d.Hold, "talk time between ACK and BYE")
	fs.StringVar(&c.Caller, "caller", d.Caller, "caller's From `user`")
	fs.StringVar(&c.CallerPassword, "caller-password", "", "caller's digest password, used when ringd challenges (407)")
	fs.DurationVar(&c.Timeout, "timeout", d.Timeout, "per call: INVITE to final response (then CANCEL), and for the BYE")
	fs.StringVar(&c.JSONPath, "json", "", "write the result to this `file`")
	fs.BoolVar(&c.Quiet, "quiet", false, "no progress line and no informational lines (the summary is printed)")
	fs.DurationVar(&c.Interval, "interval", d.Interval, "progress line and timeline period")
	fs.IntVar(&c.RingdPID, "ringd-pid", 0, "ringd's `pid`: report its CPU time and RSS over the run (Linux /proc)")
	fs.BoolVar(&c.Verbose, "v", false, "show sipgo's warnings and errors")
	fs.StringVar(&c.CPUProf, "cpuprofile", "", "write ringbench's own CPU profile (pprof) to this `file`")
	fs.BoolVar(&c.PrintConfig, "print-config", false, "print the ringd.yaml lines for -member-ports and exit")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	if c.Members, err = ParseNumbers(members); err != nil {
		return Config{}, fmt.Errorf("-members: %w", err)
	}
	if ports != "" {
		if c.MemberPorts, err = ParsePorts(ports, len(c.Members)); err != nil {
			return Config{}, fmt.Errorf("-member-ports: %w", err)
		}
	}
	if c.Profile, err = ParseProfile(profile); err != nil {
		return Config{}, fmt.Errorf("-profile: %w", err)
	}
	if ramp != "" {
		a, b, ok := strings.Cut(ramp, ":")
		from, err1 := strconv.ParseFloat(a, 64)
		to, err2 := strconv.ParseFloat(b, 64)
		if !ok || err1 != nil || err2 != nil {
			return Config{}, fmt.Errorf("-ramp %q: want FROM:TO like 10:500", ramp)
		}
		c.Ramp, c.RampFrom, c.RampTo = true, from, to
		if set["rate"] {
			return Config{}, fmt.Errorf("-rate and -ramp exclude each other")
		}
	}
	if set["calls"] && !set["duration"] {
		c.Duration = 0
	}
	if _, err := c.withDefaults(); err != nil {
		return Config{}, err
	}
	return c, nil
}
