package hist

import (
	"math"
	"math/bits"
	"time"
)

// Histogram layout: values below 2^subBits are counted exactly; above, every
// power of two is split into 2^subBits equal sub-buckets, so a bucket is at
// most 1/128 of its lower bound wide and the reported midpoint is within
// 0.4 % of any value it holds. Values at or above 2^(maxExp+1) (about 25
// days in microseconds) are counted in the last bucket.
const (
	subBits    = 7
	subCount   = 1 << subBits
	maxExp     = 40
	numBuckets = (maxExp - subBits + 2) * subCount
	maxValue   = 1<<(maxExp+1) - 1
)

// SubBuckets is how many sub-buckets every power of two is split into: the
// layout that the lower bounds of Buckets follow.
const SubBuckets = subCount

// Histogram is an HDR-style log-linear histogram of non-negative integers
// (ringbench records microseconds). It keeps count, sum, exact min and max,
// answers quantiles with about 1 % relative precision, and merges with
// another histogram by adding counts. It is not safe for concurrent use.
type Histogram struct {
	counts   [numBuckets]uint64
	n        uint64
	sum      uint64
	min, max uint64
}

// bucketOf returns the bucket index of v.
func bucketOf(v uint64) int {
	if v > maxValue {
		v = maxValue
	}
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - 1 - subBits
	return (shift+1)*subCount + int(v>>uint(shift)) - subCount
}

// bucketRange returns the lowest value bucket i holds and its width.
func bucketRange(i int) (lower, width uint64) {
	if i < subCount {
		return uint64(i), 1
	}
	shift := uint(i/subCount - 1)
	return uint64(subCount+i%subCount) << shift, 1 << shift
}

// Record counts one value.
func (h *Histogram) Record(v uint64) {
	if v > maxValue {
		v = maxValue
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

// RecordDuration counts d in microseconds (negative durations as 0).
func (h *Histogram) RecordDuration(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.Record(uint64((d + 500*time.Nanosecond) / time.Microsecond))
}

// Count is the number of values recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min and Max are the exact smallest and largest values (0 when empty).
func (h *Histogram) Min() uint64 { return h.min }

// Max is the exact largest value recorded (0 when empty).
func (h *Histogram) Max() uint64 { return h.max }

// Mean is the exact arithmetic mean (0 when empty).
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return 0
	}
	return float64(h.sum) / float64(h.n)
}

// Quantile returns the value at rank ceil(q*n) of the sorted values
// (nearest rank; q in [0, 1]), as the midpoint of its bucket clamped to the
// exact min and max. An empty histogram gives 0.
func (h *Histogram) Quantile(q float64) uint64 {
	if h.n == 0 {
		return 0
	}
	if q >= 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var cum uint64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		cum += c
		if cum >= rank {
			lower, width := bucketRange(i)
			v := lower + (width-1)/2
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

// Merge adds every value of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Reset empties h.
func (h *Histogram) Reset() { *h = Histogram{} }

// Buckets lists the non-empty buckets as [lowest value, count] pairs in
// increasing order: enough to rebuild (and merge) the histogram elsewhere.
func (h *Histogram) Buckets() [][2]uint64 {
	var out [][2]uint64
	for i, c := range h.counts {
		if c != 0 {
			lower, _ := bucketRange(i)
			out = append(out, [2]uint64{lower, c})
		}
	}
	return out
}
