package bench

import "github.com/ringd/ringd/bench/hist"

// The figures of a Result, as -json writes them.

// Calls counts calls by outcome. Attempted = every call that came due
// (Launched + aborted by -max-inflight); Failed = Attempted - Answered -
// Interrupted.
type Calls struct {
	Attempted   int64            `json:"attempted"`
	Launched    int64            `json:"launched"`
	Answered    int64            `json:"answered"`
	Failed      int64            `json:"failed"`
	Interrupted int64            `json:"interrupted"`
	Outcomes    map[string]int64 `json:"outcomes"`    // every class, zeros included
	FinalCodes  map[string]int64 `json:"final_codes"` // final codes >= 300 received
}

// Rate is what the schedule asked for and what happened.
type Rate struct {
	Target       string  `json:"target"`        // "200/s" or "ramp 50->800/s"
	TargetCPS    float64 `json:"target_cps"`    // average over the window
	AchievedCPS  float64 `json:"achieved_cps"`  // INVITEs sent / window
	AnsweredCPS  float64 `json:"answered_cps"`  // answered calls / window
	WindowS      float64 `json:"window_s"`      // the launch window
	ElapsedS     float64 `json:"elapsed_s"`     // start to the last call's end
	PeakInFlight int64   `json:"peak_inflight"` // most calls up at once
}

// Latency summarises a histogram, in milliseconds.
type Latency struct {
	Count uint64  `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p99_9"`
	Max   float64 `json:"max"`
}

func summarise(h *hist.Histogram) Latency {
	ms := func(us uint64) float64 { return float64(us) / 1000 }
	return Latency{Count: h.Count(), Min: ms(h.Min()), Mean: h.Mean() / 1000, P50: ms(h.Quantile(0.5)),
		P90: ms(h.Quantile(0.9)), P99: ms(h.Quantile(0.99)), P999: ms(h.Quantile(0.999)), Max: ms(h.Max())}
}

// Dump is a histogram's non-empty buckets, to merge runs elsewhere.
type Dump struct {
	Unit       string      `json:"unit"`        // "us"
	SubBuckets int         `json:"sub_buckets"` // per power of two
	Buckets    [][2]uint64 `json:"buckets"`     // [lowest value, count]
}

func dump(h *hist.Histogram) Dump {
	return Dump{Unit: "us", SubBuckets: hist.SubBuckets, Buckets: h.Buckets()}
}

// CPU is the CPU time spent during the run (from the first call to the
// end of the last), read from /proc: ringd's when -ringd-pid is given.
type CPU struct {
	RingdPID        int     `json:"ringd_pid,omitempty"`
	RingdSeconds    float64 `json:"ringd_seconds,omitempty"`
	RingdMsPerCall  float64 `json:"ringd_ms_per_call,omitempty"` // per launched call
	RingdPeakRSSMiB float64 `json:"ringd_peak_rss_mib,omitempty"`
	SelfSeconds     float64 `json:"ringbench_seconds"`
}

// Sample is one interval of the run.
type Sample struct {
	T           float64 `json:"t_s"` // end of the interval, from the start
	TargetCPS   float64 `json:"target_cps"`
	Launched    int64   `json:"launched"`
	Answered    int64   `json:"answered"`
	Failed      int64   `json:"failed"`
	InFlight    int64   `json:"inflight"`
	AnswerP99   float64 `json:"invite_200_p99_ms"`       // over the interval (0: none answered)
	RingdCPUPct float64 `json:"ringd_cpu_pct,omitempty"` // % of one core
	SelfCPUPct  float64 `json:"ringbench_cpu_pct"`
}
