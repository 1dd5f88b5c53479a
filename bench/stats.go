package bench

import (
	"sync"
	"time"

	"github.com/ringd/ringd/bench/hist"
)

// stats collects every call's figures; all methods are safe for
// concurrent use.
type stats struct {
	mu sync.Mutex

	ringing  hist.Histogram // INVITE -> first 180/183
	answer   hist.Histogram // INVITE -> 200
	bye      hist.Histogram // BYE -> 200
	lag      hist.Histogram // due time -> INVITE handed to sipgo (the generator's own lateness)
	answerIv hist.Histogram // INVITE -> 200 since the last sample

	launched, inflight, peak int64
	outcomes                 [numOutcomes]int64
	codes                    map[int]int64 // final codes of failed calls
	first                    *FirstFailure
}

// FirstFailure is the first call that did not end answered.
type FirstFailure struct {
	At        float64 `json:"at_s"`       // offset of its due time from the start
	TargetCPS float64 `json:"target_cps"` // the schedule's rate then
	Outcome   string  `json:"outcome"`
}

func newStats() *stats { return &stats{codes: map[int]int64{}} }

// launch counts a call handed to sipgo, lag after its due time.
func (s *stats) launch(lag time.Duration) {
	s.mu.Lock()
	s.launched++
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	s.lag.RecordDuration(lag)
	s.mu.Unlock()
}

// inFlight is the number of calls launched and not ended.
func (s *stats) inFlight() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight
}

func (s *stats) ringingAfter(d time.Duration) {
	s.mu.Lock()
	s.ringing.RecordDuration(d)
	s.mu.Unlock()
}

func (s *stats) answeredAfter(d time.Duration) {
	s.mu.Lock()
	s.answer.RecordDuration(d)
	s.answerIv.RecordDuration(d)
	s.mu.Unlock()
}

func (s *stats) byeAfter(d time.Duration) {
	s.mu.Lock()
	s.bye.RecordDuration(d)
	s.mu.Unlock()
}

// end counts a launched call's outcome; due is its due offset and rate the
// target rate then (for FirstFailure).
func (s *stats) end(o Outcome, code int, due time.Duration, rate float64) {
	s.mu.Lock()
	s.inflight--
	s.count(o, code, due, rate)
	s.mu.Unlock()
}

// abort counts a call that was due while -max-inflight calls were up.
func (s *stats) abort(due time.Duration, rate float64) {
	s.mu.Lock()
	s.count(Aborted, 0, due, rate)
	s.mu.Unlock()
}

func (s *stats) count(o Outcome, code int, due time.Duration, rate float64) {
	s.outcomes[o]++
	if code >= 300 {
		s.codes[code]++
	}
	if o != Answered && o != Interrupted && (s.first == nil || due.Seconds() < s.first.At) {
		s.first = &FirstFailure{At: due.Seconds(), TargetCPS: rate, Outcome: o.String()}
	}
}

// counters is a cumulative snapshot for the progress line and timeline.
type counters struct {
	launched, inflight, answered, failed int64
	outcomes                             [numOutcomes]int64
	answerP99Iv                          uint64 // µs, INVITE -> 200 over the interval
	answerNIv                            uint64
}

// sample snapshots the counters and starts a new interval.
func (s *stats) sample() counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := counters{launched: s.launched, inflight: s.inflight, outcomes: s.outcomes,
		answerP99Iv: s.answerIv.Quantile(0.99), answerNIv: s.answerIv.Count()}
	for o, n := range s.outcomes {
		if Outcome(o) == Answered {
			c.answered += n
		} else if Outcome(o) != Interrupted {
			c.failed += n
		}
	}
	s.answerIv.Reset()
	return c
}
