package torture

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// TortureConfig configures a torture run (ringbench torture).
type TortureConfig struct {
	Dir    string // MANIFEST.tsv and the .dat files
	Target string // ringd's SIP address, UDP and TCP (127.0.0.0/8)
	Source string // the address the messages are sent from (127.0.0.0/8)
	Member string // the member agent's UDP address: extension 1001's contact
	Domain string // ringd's sip.domain, for the OPTIONS probes
	PID    int    // ringd's process, checked after every message (0: not checked)
	// TLSTarget and WSTarget are ringd's TLS and WebSocket listeners, for
	// the transports "tls" and "ws" ("" when not sent over).
	TLSTarget, WSTarget string
	// Window is how long replies are collected after a UDP send; over TCP
	// reading stops once nothing came for Window. When the table expects a
	// final answer that has not come yet, reading goes on for up to
	// ProbeTimeout more (a slow machine is not a different answer).
	Window time.Duration
	// ProbeTimeout is how long the OPTIONS after each message may take.
	ProbeTimeout time.Duration
	// Linger is how long ringd keeps a UDP server transaction after its
	// final response: a copy of a message sent sooner, over TCP or to
	// 6000, carries the same Via branch and would be taken for a
	// retransmission, as would another message reusing the branch. A send
	// waits until its transaction key is free (see scheduler). Linger is
	// for a transaction ringd lets go on its own (5 s: ringd's Timer J, and
	// Timer I after the ACK the runner sends to a failed INVITE);
	// LingerUnacked for an INVITE whose final answer could not be ACKed
	// (Timer H: 64*T1 = 32 s), over TCP as over UDP.
	Linger, LingerUnacked time.Duration
	Transports            []string              // "udp", "tcp", "tls", "ws": the passes, UDP first, then the streams in this order
	Table                 map[string]TortureRow // nil: TortureTable
}

// DefaultTortureConfig has every field but Target and Member set.
var DefaultTortureConfig = TortureConfig{
	Dir:           "../shared/testdata/rfc4475",
	Source:        "127.4.75.1",
	Domain:        "example.com",
	Window:        300 * time.Millisecond,
	ProbeTimeout:  2 * time.Second,
	Linger:        6 * time.Second,
	LingerUnacked: 33 * time.Second,
	Transports:    []string{"udp", "tcp"},
}

// RunTorture sends every RFC 4475 message to ringd as TortureConfig says,
// checks what comes back, what reaches the member and that ringd still
// answers OPTIONS after each, and prints a line per send and the summary
// to out. The error is for a run that could not be made (files, sockets);
// failed checks are in the report.
func RunTorture(ctx context.Context, cfg TortureConfig, out io.Writer) (*TortureReport, error) {
	table := cfg.Table
	if table == nil {
		table = TortureTable
	}
	msgs, err := LoadTorture(cfg.Dir)
	if err != nil {
		return nil, err
	}
	nw, err := newTortureNet(cfg.Target, cfg.Source)
	if err != nil {
		return nil, err
	}
	nw.tlsTarget, nw.wsTarget = cfg.TLSTarget, cfg.WSTarget
	defer nw.close()
	for _, m := range msgs { // every response port, bound now: a busy one fails the run at once
		if port, err := responsePort(m.Raw); err == nil {
			if _, err := nw.udpConn(port); err != nil {
				return nil, err
			}
		}
	}
	member, err := startTortureMember(cfg.Member)
	if err != nil {
		return nil, fmt.Errorf("member: %w", err)
	}
	defer member.close()
	ids := map[string]bool{}
	for _, m := range msgs {
		for _, id := range callIDs(m.Raw) {
			ids[id] = true
		}
	}
	if code, _, err := nw.probeOptions(cfg.Domain, cfg.ProbeTimeout); err != nil || code != 200 {
		return nil, fmt.Errorf("ringd at %s does not answer OPTIONS 200 before the run (got %s, %v)", cfg.Target, codeOrNone(code), err)
	}

	rep := &TortureReport{Sent: map[string]int{}}
	for _, m := range msgs {
		rep.Files = append(rep.Files, m.File)
	}
	sched := newScheduler(planTorture(msgs, cfg.Transports))
	silent := 0 // OPTIONS unanswered in a row
	for {
		s, wait, holder, ok := sched.next(time.Now())
		if !ok {
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if wait > 0 {
			if wait >= 100*time.Millisecond {
				fmt.Fprintf(out, "... waiting %.1f s: ringd still holds the transaction of %s, which %s shares\n",
					wait.Seconds(), holder, s.msg.File)
			}
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		r := &TortureResult{Msg: s.msg, Transport: s.transport, Variant: s.variant}
		member.setLabel(r.Label())
		row, hasRow := table[rowKey(s.msg.File, s.variant)]
		acked, err := sendTorture(nw, cfg, s, r, ids, row.want(s.transport))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Label(), err)
		}
		unackedInvite := !s.msg.IsResponse() && strings.EqualFold(requestMethod(s.raw), "INVITE") && !acked
		switch {
		case unackedInvite:
			// An INVITE's failure waits for its ACK (or Timer H) on every
			// transport, TCP too (RFC 3261 §17.2.1).
			sched.sent(s, time.Now(), cfg.LingerUnacked)
		case s.transport == "udp" && !s.msg.IsResponse():
			sched.sent(s, time.Now(), cfg.Linger)
		}
		rep.Sent[s.transport]++
		if s.variant {
			rep.Variants++
		}
		r.ProbeCode, r.ProbeRTT, _ = nw.probeOptions(cfg.Domain, cfg.ProbeTimeout)
		r.Alive = processAlive(cfg.PID)
		r.Member = member.received(r.Label())
		r.check(row, hasRow)
		rep.Results = append(rep.Results, r)
		fmt.Fprintln(out, r.Line())
		if !r.Alive {
			rep.Crashes++
			rep.After = append(rep.After, "ringd was gone after "+r.Label()+": run stopped")
			break
		}
		if silent = silent + 1; r.ProbeCode == 200 {
			silent = 0
		}
		if silent == 3 {
			rep.After = append(rep.After, "ringd answered no OPTIONS after 3 messages in a row: run stopped")
			break
		}
	}
	if rep.Crashes == 0 {
		afterTorture(nw, cfg, rep, member)
	}
	for _, a := range rep.After {
		fmt.Fprintln(out, "FAIL", a)
	}
	fmt.Fprintln(out, rep.Summary())
	return rep, nil
}

// sendTorture sends one message and collects its replies into r; it ACKs
// a failed INVITE (acked). A final answer the table expects (want) may
// take up to ProbeTimeout more than the window.
func sendTorture(nw *tortureNet, cfg TortureConfig, s tortureSend, r *TortureResult, ids map[string]bool, want TortureWant) (acked bool, err error) {
	col := collect{window: cfg.Window, grace: cfg.ProbeTimeout, expectFinal: want.expectsFinal()}
	if s.transport != "udp" {
		r.Replies, r.Closed, acked, err = nw.sendStream(s.transport, s.raw, col)
		return acked, err
	}
	port, err := responsePort(s.raw)
	if err != nil {
		return false, err
	}
	others := map[string]bool{}
	for id := range ids {
		others[id] = true
	}
	for _, id := range callIDs(s.raw) {
		delete(others, id)
	}
	if r.Replies, r.Stray, err = nw.sendUDP(s.raw, port, col, others); err != nil {
		return false, err
	}
	return nw.ackUDP(s.raw, port, r.Replies), nil
}

// afterTorture sends what no torture message covers: a stray ACK (no answer
// allowed) and a CANCEL that matches no INVITE (481), each followed by
// the OPTIONS check.
func afterTorture(nw *tortureNet, cfg TortureConfig, rep *TortureReport, member *tortureMember) {
	member.setLabel("after")
	var err error
	if rep.StrayAck, err = nw.ownRequest("ACK", "sip:"+cfg.Domain, "torture-stray", cfg.Window); err != nil {
		rep.After = append(rep.After, "stray ACK: "+err.Error())
	} else if len(rep.StrayAck) > 0 {
		rep.After = append(rep.After, "a stray ACK was answered "+saidAll(rep.StrayAck, ""))
	}
	if rep.Cancel, err = nw.ownRequest("CANCEL", "sip:6000@"+cfg.Domain, "", cfg.Window); err != nil {
		rep.After = append(rep.After, "unmatched CANCEL: "+err.Error())
	} else if len(rep.Cancel) != 1 || rep.Cancel[0].Code != 481 {
		rep.After = append(rep.After, "an unmatched CANCEL got "+saidAll(rep.Cancel, "nothing")+", want 481")
	}
	if code, _, _ := nw.probeOptions(cfg.Domain, cfg.ProbeTimeout); code != 200 {
		rep.After = append(rep.After, "the OPTIONS after the stray ACK and CANCEL got "+codeOrNone(code))
	}
	if got := member.received("after"); len(got) > 0 {
		rep.After = append(rep.After, "the stray ACK or CANCEL reached the member: "+fmt.Sprint(got))
	}
	if !processAlive(cfg.PID) {
		rep.Crashes++
		rep.After = append(rep.After, "ringd was gone at the end")
	}
}

// processAlive reports whether process pid is running and not a zombie
// (a child of run.sh's shell stays one until waited for); pid 0 means not
// known, taken as alive (the OPTIONS check still tells).
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
		return len(f) > 0 && f[0][0] != 'Z' && f[0][0] != 'X'
	}
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		return false // /proc is there, the process is not
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
