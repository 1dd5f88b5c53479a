// Package bench is ringbench, ringd's SIP load generator: it owns load
// generation and measurement, and the dispatch of ringbench's other tools.
// cmd/ringbench maps the command line onto Config and calls Run, or the
// tool LookupTool names; `ringbench -h` documents every flag.
//
// It imports sipgo, the standard library, its own measuring parts
// (bench/hist, bench/proc) and the tools it dispatches to (bench/media,
// bench/udpsink, bench/torture); no package of ringd (it meets ringd over
// the network only), and nothing in ringd imports it. None of its
// sub-packages imports it.
//
// # Agents
//
// Member agents play the extensions of a ring group, each with its own
// sipgo user agent on its own UDP port on Config.LocalIP (127.0.0.1). They
// reach ringd either by REGISTER (digest, password template "secret{ext}",
// refreshed at half of -expires, removed with Expires: 0 at the end) or at
// static contacts: each member listens on its -member-ports port and
// ringbench prints the extensions and a ring_all group (skip_busy: false:
// one agent stands for many phones) to paste into ringd.yaml.
//
// Over -transport tcp, tls or ws (and -caller-transport for the caller)
// an agent connects to ringd instead of listening: members must register,
// with a *.invalid Contact as a browser's, and ringd rings them over the
// connections they registered on; ringd's certificate is not checked.
//
// A member treats each INVITE by its behaviour (Profile):
//
//   - answer[:D]: 180 at once, 200 with SDP after D unless cancelled; the
//     200 is repeated until the ACK comes (RFC 6026), the BYE gets 200.
//   - ring: 180 at once, then nothing until CANCEL (sipgo answers the
//     CANCEL 200 and the INVITE 487).
//   - busy: 486 at once.
//   - noanswer: 100 Trying at once and nothing more, until CANCEL: a phone
//     that took the INVITE and never alerts, so that the way ringd ends legs
//     that never rang is exercised (ring covers ringing legs).
//   - mix:B=W,...: weights; MixBy "call" draws for every INVITE from a
//     seeded source, MixBy "member" deals one behaviour to each member for
//     the whole run in proportion to the weights (largest remainder, in mix
//     order, so mix:answer=1,busy=1,ring=1 over three members gives one of
//     each).
//
// At the end of a run, INVITEs still ringing get 480 from their member.
//
// # Calls
//
// One caller agent (From -caller, on its own port) places every call as
// sipgo's DialogClientCache does: INVITE with SDP to sip:GROUP@ringd; a
// 407/401 is answered with digest credentials when -caller-password is set;
// on 200: ACK, hold, BYE. Calls are launched open loop: call k is due at a
// fixed offset (k/rate, or the root of the ramp's integral for -ramp A:B,
// whose rate rises linearly from A to B over -duration) and is launched
// then whatever became of earlier calls; a launcher that fell behind
// catches up at once and its lag is measured. A call due while
// -max-inflight calls are up is not sent and counts as failed
// (max_inflight).
//
// Outcomes: answered (200, ACK, BYE answered 200); failed by final code
// 480, 486, 487, 408, 503 or other; timeout (no final response within
// -timeout, after which ringbench CANCELs; or sipgo's Timer B); bye_failed;
// error (could not send); max_inflight; interrupted (the run was stopped:
// neither answered nor failed).
//
// # Measurement
//
//   - Latencies, in HDR-style log-linear histograms of microseconds
//     (bench/hist: 128 sub-buckets per power of two, so quantiles are
//     within 1 % of the exact nearest-rank value; min, max and mean are
//     exact; histograms merge and their buckets are in the JSON):
//     INVITE->180 (first 180 or 183), INVITE->200, both from the first
//     INVITE sent, digest retry included; BYE->200; and the launcher's lag
//     behind the schedule.
//   - Retransmissions, read off the wire through sipgo's process-wide
//     trace hook (sip.SIPDebugTracer; ringbench owns its process): a
//     request the caller sent twice with the same top Via branch and CSeq
//     is a retransmission (INVITE, BYE, CANCEL, ACK); a final response it
//     received twice a duplicate. The same for the members: requests ringd
//     had to send them again, finals they repeated. The members' first
//     requests and final responses are counted by method and code ("INVITE
//     200", "INVITE 486", "CANCEL 481"): this shows, for example, every
//     member answering a ring_all call at once and ringd hanging up the
//     losers with BYE.
//   - With -ringd-pid (Linux), ringd's CPU seconds (utime+stime from
//     /proc/PID/stat, read by bench/proc) from the first call to the end of
//     the last, per call, and its peak RSS; ringbench's own CPU always (both
//     share the machine); the host's UDP receive errors during the run.
//   - A timeline, one sample per -interval: target and achieved rates,
//     answers, failures, calls in flight, INVITE->200 p99 over the interval,
//     ringd's and ringbench's CPU.
//
// Run prints a live progress line (stderr) and a summary (stdout), and
// writes the Result as JSON (-json) with every figure, the config (passwords
// left out), the command line, the start and end times, Go version, nproc
// and the CPU model.
//
// # Tools
//
// Subcommands serve the SIPp suite's cases (bench/sipp/run.sh),
// dispatched by LookupTool on the first argument (the load generator's
// command line never starts with one of their names); each lives in a
// package of its own, whose doc tells what it does:
//
//   - ringbench rtp-listen, ringbench tone: bench/media.
//   - ringbench udp-sink: bench/udpsink.
//   - ringbench torture: bench/torture.
package bench
