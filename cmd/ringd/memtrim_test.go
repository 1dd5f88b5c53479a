package main

import (
	"testing"
	"time"
)

// run feeds a second-by-second allocation profile (MB allocated in each
// second) and returns the seconds at which memTrim trims.
func runTrim(mbPerSecond []int) []int {
	var m memTrim
	now := time.Unix(0, 0)
	total := uint64(1 << 20)
	m.decide(now, time.Second, total)
	var trims []int
	for sec, mb := range mbPerSecond {
		total += uint64(mb) << 20
		now = now.Add(time.Second)
		if m.decide(now, time.Second, total) {
			trims = append(trims, sec)
		}
	}
	return trims
}

func TestMemTrimAfterTheLoadHasPassed(t *testing.T) {
	trims := runTrim([]int{0, 5, 40, 90, 100, 100, 95, 30, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	// The rate fell to a quarter of the peak (12 <= 100/4) at second 8;
	// the trim waits linger + 2 s more.
	want := 8 + int((linger+2*time.Second)/time.Second)
	if len(trims) != 1 || trims[0] != want {
		t.Fatalf("trims at seconds %v, want exactly one at %d", trims, want)
	}
}

func TestMemTrimNotUnderLoadNorAfterSmallLoads(t *testing.T) {
	var load []int
	for sec := range 60 {
		mb := 100
		if sec%10 == 5 {
			mb = 10 // a one-second dip: the plan is dropped when the load returns
		}
		if sec > 40 {
			mb = 0
		}
		load = append(load, mb)
	}
	for _, sec := range runTrim(load) {
		if sec <= 40 {
			t.Fatalf("trim at second %d, under load", sec)
		}
	}
	small := make([]int, 60)
	for i := range small {
		small[i] = 3 // never 4 MB/s: nothing to trim after
	}
	if trims := runTrim(small); len(trims) != 0 {
		t.Fatalf("trims at %v after a load under minPeakAllocRate", trims)
	}
}

// The real allocation counter moves: tick reads it.
func TestMemTrimReadsTheAllocationCounter(t *testing.T) {
	var m memTrim
	a := m.allocated()
	_ = make([]byte, 1<<20)
	if b := m.allocated(); b < a+1<<20 {
		t.Fatalf("allocated %d then %d after allocating 1 MB", a, b)
	}
}
