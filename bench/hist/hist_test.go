package hist

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exact is the nearest-rank quantile of sorted values: the one at rank ceil(q*n).
func exact(sorted []uint64, q float64) uint64 {
	r := int(math.Ceil(q * float64(len(sorted))))
	return sorted[max(r, 1)-1]
}

func within(got, want uint64, rel float64) bool {
	return math.Abs(float64(got)-float64(want)) <= rel*float64(want)+0.5
}

// TestQuantilesMatchSortedValues: for several distributions, every
// quantile is within 1 % of the exact one, min and max are exact.
func TestQuantilesMatchSortedValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() uint64{
		"uniform 0-1000":        func() uint64 { return r.Uint64N(1001) },
		"uniform 50ms-5s (µs)":  func() uint64 { return 50_000 + r.Uint64N(4_950_000) },
		"exponential mean 10ms": func() uint64 { return uint64(r.ExpFloat64() * 10_000) },
		"lognormal":             func() uint64 { return uint64(math.Exp(r.NormFloat64()*2 + 8)) },
		"two modes":             func() uint64 { return []uint64{100_000, 3_000_000}[r.IntN(2)] + r.Uint64N(1000) },
		"huge":                  func() uint64 { return 1 << 50 },
	}
	for name, gen := range dists {
		t.Run(name, func(t *testing.T) {
			var h Histogram
			vals := make([]uint64, 100_000)
			for i := range vals {
				vals[i] = gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			if name == "huge" { // beyond the range: counted in the last bucket, clamped
				if h.Max() != maxValue || h.Quantile(0.5) != maxValue {
					t.Fatalf("max %d p50 %d, want %d", h.Max(), h.Quantile(0.5), uint64(maxValue))
				}
				return
			}
			for _, q := range []float64{0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1} {
				got, want := h.Quantile(q), exact(vals, q)
				if !within(got, want, 0.01) {
					t.Errorf("q%.4f = %d, exact %d", q, got, want)
				}
			}
			if h.Min() != vals[0] || h.Max() != vals[len(vals)-1] || h.Count() != uint64(len(vals)) {
				t.Errorf("min %d max %d count %d, want %d %d %d", h.Min(), h.Max(), h.Count(), vals[0], vals[len(vals)-1], len(vals))
			}
			var sum float64
			for _, v := range vals {
				sum += float64(v)
			}
			if m := sum / float64(len(vals)); math.Abs(h.Mean()-m) > 1e-6*m+1e-9 {
				t.Errorf("mean %f, want %f", h.Mean(), m)
			}
		})
	}
}

// TestSmallValuesAreExact: below 128 every value has its own bucket.
func TestSmallValuesAreExact(t *testing.T) {
	var h Histogram
	for v := uint64(1); v <= 100; v++ {
		h.Record(v)
	}
	for _, c := range []struct {
		q    float64
		want uint64
	}{{0.01, 1}, {0.5, 50}, {0.9, 90}, {0.99, 99}, {1, 100}} {
		if got := h.Quantile(c.q); got != c.want {
			t.Errorf("q%.2f = %d, want %d", c.q, got, c.want)
		}
	}
}

// TestBucketsTileTheRange: consecutive buckets touch, widths stay within
// 1/128 of the lower bound, and every value maps into its own bucket.
func TestBucketsTileTheRange(t *testing.T) {
	next := uint64(0)
	for i := range numBuckets {
		lower, width := bucketRange(i)
		if lower != next {
			t.Fatalf("bucket %d starts at %d, want %d", i, lower, next)
		}
		if lower >= subCount && float64(width)/float64(lower) > 1.0/subCount {
			t.Fatalf("bucket %d: width %d at %d", i, width, lower)
		}
		for _, v := range []uint64{lower, lower + width - 1} {
			if b := bucketOf(v); b != i {
				t.Fatalf("value %d in bucket %d, want %d", v, b, i)
			}
		}
		next = lower + width
	}
	if next-1 != maxValue {
		t.Fatalf("last bucket ends at %d, want %d", next-1, uint64(maxValue))
	}
}

// TestMergeEqualsRecordingEverything: merging two histograms gives the
// histogram of all their values.
func TestMergeEqualsRecordingEverything(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var a, b, all Histogram
	for range 50_000 {
		v := uint64(r.ExpFloat64() * 200_000)
		all.Record(v)
		if r.IntN(3) == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	var empty Histogram
	a.Merge(&b)
	a.Merge(&empty)
	if a != all {
		t.Fatalf("merged histogram differs: n %d/%d min %d/%d max %d/%d", a.Count(), all.Count(), a.Min(), all.Min(), a.Max(), all.Max())
	}
	empty.Merge(&all)
	if empty != all {
		t.Fatal("merge into an empty histogram differs")
	}
	var rebuilt Histogram
	for _, bk := range all.Buckets() {
		for range bk[1] {
			rebuilt.Record(bk[0])
		}
	}
	for _, q := range []float64{0.5, 0.99} {
		if !within(rebuilt.Quantile(q), all.Quantile(q), 0.01) {
			t.Errorf("rebuilt from Buckets: q%.2f %d vs %d", q, rebuilt.Quantile(q), all.Quantile(q))
		}
	}
}

func TestEmptyAndDurations(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Max() != 0 {
		t.Fatal("empty histogram should report zeros")
	}
	h.RecordDuration(-time.Second)
	h.RecordDuration(1500 * time.Nanosecond)
	h.RecordDuration(52 * time.Millisecond)
	if h.Min() != 0 || h.Quantile(0.5) != 2 || !within(h.Max(), 52_000, 0) {
		t.Fatalf("min %d p50 %d max %d", h.Min(), h.Quantile(0.5), h.Max())
	}
	h.Reset()
	if h.Count() != 0 {
		t.Fatal("Reset left values")
	}
}
