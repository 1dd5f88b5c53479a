// Package hist is the HDR-style log-linear histogram ringbench records its
// latencies in (microseconds): exact count, sum, min and max, quantiles
// within about 1 %, and buckets that merge across runs. It imports the
// standard library only.
package hist
