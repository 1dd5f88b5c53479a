package bench

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ringd/ringd/bench/proc"
)

// progress samples the run every interval: it appends to the timeline and
// prints the live line (rewritten in place on a terminal).
type progress struct {
	w       io.Writer // nil: quiet
	tty     bool
	st      *stats
	sched   schedule
	start   time.Time
	ringd   *proc.Meter // nil without -ringd-pid
	self    *proc.Meter
	prev    counters
	prevAt  time.Time
	samples []Sample
}

func newProgress(w io.Writer, st *stats, sched schedule, start time.Time, ringd, self *proc.Meter) *progress {
	p := &progress{w: w, st: st, sched: sched, start: start, prevAt: start, ringd: ringd, self: self}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// tick takes one sample of the interval that ends now.
func (p *progress) tick() {
	c := p.st.sample()
	now := time.Now()
	t, iv := now.Sub(p.start), now.Sub(p.prevAt)
	p.prevAt = now
	s := Sample{T: t.Seconds(), TargetCPS: p.sched.rate(t), Launched: c.launched - p.prev.launched,
		Answered: c.answered - p.prev.answered, Failed: c.failed - p.prev.failed, InFlight: c.inflight,
		AnswerP99: float64(c.answerP99Iv) / 1000, SelfCPUPct: p.self.Interval()}
	if p.ringd != nil {
		s.RingdCPUPct = p.ringd.Interval()
	}
	p.prev = c
	p.samples = append(p.samples, s)
	if p.w == nil {
		return
	}
	per := func(n int64) float64 { return float64(n) / iv.Seconds() }
	line := fmt.Sprintf("%5.0fs  target %6.1f/s  sent %6.1f/s  answered %6.1f/s  in flight %5d  failed %d  p99(200) %.1fms",
		t.Seconds(), s.TargetCPS, per(s.Launched), per(s.Answered), s.InFlight, c.failed, s.AnswerP99)
	if p.ringd != nil {
		line += fmt.Sprintf("  ringd %3.0f%%cpu", s.RingdCPUPct)
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// done samples the last, partial interval and ends the live line.
func (p *progress) done() {
	if time.Since(p.prevAt) > 10*time.Millisecond {
		p.tick()
	}
	if p.w != nil && p.tty {
		fmt.Fprintln(p.w)
	}
}
