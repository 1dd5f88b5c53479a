package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteSummary prints the result for a person.
func (r *Result) WriteSummary(w io.Writer) {
	c := r.Config
	mode := "static"
	if c.Register {
		mode = "registered"
	}
	fmt.Fprintf(w, "ringbench: group %s at %s, %d %s members (%s), %s, hold %s, timeout %s\n",
		c.Group, c.Proxy, len(c.Members), mode, c.Profile, r.Rate.Target, c.Hold, c.Timeout)
	fmt.Fprintf(w, "calls     %d attempted, %d answered, %d failed", r.Calls.Attempted, r.Calls.Answered, r.Calls.Failed)
	if r.Calls.Interrupted > 0 {
		fmt.Fprintf(w, ", %d interrupted", r.Calls.Interrupted)
	}
	fmt.Fprintln(w)
	var fails []string
	for o := Outcome(1); o < numOutcomes; o++ {
		if n := r.Calls.Outcomes[o.String()]; n > 0 && o != Interrupted {
			fails = append(fails, fmt.Sprintf("%s %d", o, n))
		}
	}
	if len(fails) > 0 {
		fmt.Fprintf(w, "          failures: %s\n", strings.Join(fails, ", "))
	}
	if len(r.Calls.FinalCodes) > 0 {
		fmt.Fprintf(w, "          final codes received: %s\n", countList(r.Calls.FinalCodes))
	}
	fmt.Fprintf(w, "rate      achieved %.2f calls/s (target %.2f), answered %.2f/s, over %.2f s; run %.2f s; peak %d in flight\n",
		r.Rate.AchievedCPS, r.Rate.TargetCPS, r.Rate.AnsweredCPS, r.Rate.WindowS, r.Rate.ElapsedS, r.Rate.PeakInFlight)
	if f := r.FirstFailure; f != nil {
		fmt.Fprintf(w, "          first failure: call due at %.2f s (target %.1f calls/s): %s\n", f.At, f.TargetCPS, f.Outcome)
	}
	fmt.Fprintf(w, "latency   %-12s %7s %9s %9s %9s %9s %9s %9s  (ms)\n", "", "count", "p50", "p90", "p99", "p99.9", "max", "mean")
	for _, k := range []struct{ key, name string }{
		{"invite_180", "INVITE->180"}, {"invite_200", "INVITE->200"}, {"bye_200", "BYE->200"}, {"launch_lag", "launch lag"},
	} {
		l := r.Latency[k.key]
		fmt.Fprintf(w, "          %-12s %7d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", k.name, l.Count, l.P50, l.P90, l.P99, l.P999, l.Max, l.Mean)
	}
	x := r.Wire
	fmt.Fprintf(w, "retrans   caller sent again: INVITE %d, BYE %d, CANCEL %d, ACK %d; duplicate finals received: INVITE %d, BYE %d\n",
		x.Retransmitted["INVITE"], x.Retransmitted["BYE"], x.Retransmitted["CANCEL"], x.Retransmitted["ACK"],
		x.DuplicateFinal["INVITE"], x.DuplicateFinal["BYE"])
	fmt.Fprintf(w, "          ringd sent members again: %s; members resent finals: %s\n",
		countList(x.MemberRetransReceived), countList(x.MemberResentFinal))
	fmt.Fprintf(w, "messages  caller sent %d, received %d; members sent %d, received %d\n",
		x.CallerSent, x.CallerReceived, x.MembersSent, x.MembersReceived)
	fmt.Fprintf(w, "members   received %s; final responses sent: %s", countList(x.MembersGot), countList(x.MembersFinal))
	if r.RegisterFail > 0 {
		fmt.Fprintf(w, "; %d REGISTER refreshes failed", r.RegisterFail)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "cpu       ringbench %.2f s", r.CPU.SelfSeconds)
	if r.CPU.RingdPID > 0 {
		fmt.Fprintf(w, "; ringd (pid %d) %.2f s = %.3f ms per call, peak RSS %.1f MiB",
			r.CPU.RingdPID, r.CPU.RingdSeconds, r.CPU.RingdMsPerCall, r.CPU.RingdPeakRSSMiB)
	}
	fmt.Fprintf(w, " (%d CPUs, %s)\n", r.Machine.NumCPU, r.Machine.GoVersion)
	if u := r.UDP; u != nil {
		fmt.Fprintf(w, "udp       host-wide receive errors during the run: %d (buffer full: %d)\n", u.InErrors, u.RcvbufErrors)
	}
}

// countList formats a map as "K n, K n" in key order ("none" when empty or all 0).
func countList(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "none"
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
