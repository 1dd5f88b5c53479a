package main

import (
	"runtime/metrics"
	"time"
)

// memTrim decides when ringd gives its unused memory back to the OS. Go
// collects garbage only when the program allocates and returns free heap
// slowly: after a burst of calls an idle ringd would hold its peak memory
// for minutes. So when the allocation rate - a measure of load that sees
// every message, whichever transport or transaction handles it - falls to
// a quarter of its peak (a peak of at least minPeakAllocRate) and stays
// there until finished transactions have lingered out, ringd collects and
// returns everything free at once (tendMemory).
type memTrim struct {
	sample []metrics.Sample

	last uint64    // bytes allocated at the previous tick
	peak float64   // highest rate (bytes/s) since the last trim
	at   time.Time // when to trim; zero: none planned
}

// minPeakAllocRate is the allocation rate below which no load is worth
// trimming after: about 50 calls/s.
const minPeakAllocRate = 4 << 20

// allocated is the Go heap's running total of bytes allocated.
func (m *memTrim) allocated() uint64 {
	if m.sample == nil {
		m.sample = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	}
	metrics.Read(m.sample)
	if m.sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m.sample[0].Value.Uint64()
}

// tick takes a sample dt after the previous one; it reports whether to
// trim now.
func (m *memTrim) tick(now time.Time, dt time.Duration) bool {
	return m.decide(now, dt, m.allocated())
}

// decide is tick with the running total of bytes allocated given.
func (m *memTrim) decide(now time.Time, dt time.Duration, total uint64) bool {
	if m.last == 0 || total < m.last {
		m.last = total
		return false
	}
	rate := float64(total-m.last) / dt.Seconds()
	m.last = total
	if rate > m.peak {
		m.peak = rate
	}
	low := m.peak >= minPeakAllocRate && rate <= m.peak/4
	switch {
	case !low:
		m.at = time.Time{}
	case m.at.IsZero():
		m.at = now.Add(linger + 2*time.Second)
	case !now.Before(m.at):
		m.at, m.peak = time.Time{}, rate
		return true
	}
	return false
}
