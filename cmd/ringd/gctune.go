package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// gcTune paces Go's garbage collector by the live heap. With the default
// GOGC=100 a small live heap (a few thousand short calls) is collected
// every few megabytes of allocation, and marking it again and again costs
// a third of ringd's CPU under load. So while the live heap is small, ringd
// lets the heap grow by gcHeadroom before the next collection; once it is
// larger than gcHeadroom, the default pacing (grow by the live heap)
// applies, so memory per call stays what it was. A GOGC set in the
// environment is left alone.
type gcTune struct {
	sample []metrics.Sample
	pct    int
	off    bool
}

// gcHeadroom is how much the heap may grow between collections at least.
const gcHeadroom = 64 << 20

// maxGCPercent caps the percentage for a nearly empty heap.
const maxGCPercent = 800

// gcPercent is the GC percentage for a live heap of live bytes.
func gcPercent(live uint64) int {
	if live == 0 || live >= gcHeadroom {
		return 100
	}
	return min(int(gcHeadroom*100/live), maxGCPercent)
}

// tick sets the percentage from the live heap after the last collection.
func (g *gcTune) tick() {
	if g.sample == nil {
		_, g.off = os.LookupEnv("GOGC")
		g.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	}
	if g.off {
		return
	}
	metrics.Read(g.sample)
	if g.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if pct := gcPercent(g.sample[0].Value.Uint64()); pct != g.pct {
		debug.SetGCPercent(pct)
		g.pct = pct
	}
}
