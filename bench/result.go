package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/bench/hist"
	"github.com/ringd/ringd/bench/proc"
)

// Result is everything a run measured, with the config that ran; it is
// what -json writes.
type Result struct {
	Tool    string     `json:"tool"`
	Command []string   `json:"command,omitempty"`
	Config  ConfigView `json:"config"`
	Start   time.Time  `json:"start"`
	End     time.Time  `json:"end"`
	Machine Machine    `json:"machine"`

	Calls        Calls              `json:"calls"`
	Rate         Rate               `json:"rate"`
	Latency      map[string]Latency `json:"latency_ms"` // invite_180, invite_200, bye_200, launch_lag
	Wire         Wire               `json:"wire"`
	RegisterFail int64              `json:"register_refresh_failures"`
	FirstFailure *FirstFailure      `json:"first_failure,omitempty"`
	CPU          CPU                `json:"cpu"`
	UDP          *proc.UDPErrors    `json:"udp_errors,omitempty"` // host-wide, during the run
	Timeline     []Sample           `json:"timeline"`
	Histograms   map[string]Dump    `json:"histograms"`
}

// ConfigView is Config as plain values (passwords are not written).
type ConfigView struct {
	Proxy          string   `json:"proxy"`
	Domain         string   `json:"domain"`
	Group          string   `json:"group"`
	Members        []string `json:"members"`
	Register       bool     `json:"register"`
	Password       string   `json:"password,omitempty"`
	Expires        string   `json:"register_expires,omitempty"`
	MemberPorts    []int    `json:"member_ports,omitempty"`
	LocalIP        string   `json:"local_ip"`
	Profile        string   `json:"profile"`
	MixBy          string   `json:"mix_by"`
	Seed           uint64   `json:"seed"`
	Rate           float64  `json:"rate,omitempty"`
	Ramp           string   `json:"ramp,omitempty"`
	Duration       string   `json:"duration"`
	Calls          int      `json:"calls"`
	MaxInflight    int      `json:"max_inflight"`
	Hold           string   `json:"hold"`
	Caller         string   `json:"caller"`
	CallerPassword string   `json:"caller_password,omitempty"`
	Timeout        string   `json:"timeout"`
	RingdPID       int      `json:"ringd_pid,omitempty"`
}

func (c Config) view() ConfigView {
	redact := func(s string) string {
		if s == "" {
			return ""
		}
		return "(set)"
	}
	v := ConfigView{Proxy: c.Proxy, Domain: c.Domain, Group: c.Group, Members: c.Members, Register: c.Register,
		Password: redact(c.Password), MemberPorts: c.MemberPorts, LocalIP: c.LocalIP,
		Profile: c.Profile.String(), MixBy: c.MixBy, Seed: c.Seed, Duration: c.Duration.String(), Calls: c.Calls,
		MaxInflight: c.MaxInflight, Hold: c.Hold.String(), Caller: c.Caller, CallerPassword: redact(c.CallerPassword),
		Timeout: c.Timeout.String(), RingdPID: c.RingdPID}
	if c.Register {
		v.Expires = c.Expires.String()
	}
	if c.Ramp {
		v.Ramp = fmtRate(c.RampFrom) + ":" + fmtRate(c.RampTo)
	} else {
		v.Rate = c.Rate
	}
	return v
}

// Machine describes where the run happened.
type Machine struct {
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	NumCPU    int    `json:"nproc"`
	Hostname  string `json:"hostname"`
	CPUModel  string `json:"cpu_model,omitempty"`
}

func thisMachine() Machine {
	host, _ := os.Hostname()
	m := Machine{GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, NumCPU: runtime.NumCPU(), Hostname: host}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

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

// WriteJSON writes the result to path.
func (r *Result) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }

// fill turns the collected figures into the result.
func fill(res *Result, cfg Config, st *stats, sched schedule, window time.Duration, w *wire) {
	st.mu.Lock()
	defer st.mu.Unlock()
	cl := &res.Calls
	cl.Outcomes = map[string]int64{}
	for o := Outcome(0); o < numOutcomes; o++ {
		n := st.outcomes[o]
		cl.Outcomes[o.String()] = n
		cl.Attempted += n
		switch o {
		case Answered:
			cl.Answered = n
		case Interrupted:
			cl.Interrupted = n
		default:
			cl.Failed += n
		}
	}
	cl.Launched = st.launched
	cl.FinalCodes = map[string]int64{}
	for code, n := range st.codes {
		cl.FinalCodes[codeName(code)] = n
	}
	secs := window.Seconds()
	r := &res.Rate
	r.WindowS, r.ElapsedS, r.PeakInFlight = secs, res.End.Sub(res.Start).Seconds(), st.peak
	if cfg.Ramp {
		r.Target = fmt.Sprintf("ramp %s->%s calls/s over %s", fmtRate(cfg.RampFrom), fmtRate(cfg.RampTo), cfg.Duration)
		r.TargetCPS = (cfg.RampFrom + cfg.RampTo) / 2
	} else {
		r.Target = fmt.Sprintf("%s calls/s", fmtRate(cfg.Rate))
		r.TargetCPS = cfg.Rate
		if cfg.Calls > 0 {
			r.Target += fmt.Sprintf(", %d calls", cfg.Calls)
		}
	}
	if !cfg.Ramp && cfg.Duration > 0 && (cfg.Calls == 0 || sched.expected() < cfg.Calls) {
		r.Target += " for " + cfg.Duration.String()
	}
	if secs > 0 {
		r.AchievedCPS = float64(st.launched) / secs
		r.AnsweredCPS = float64(cl.Answered) / secs
	}
	res.Latency = map[string]Latency{"invite_180": summarise(&st.ringing), "invite_200": summarise(&st.answer),
		"bye_200": summarise(&st.bye), "launch_lag": summarise(&st.lag)}
	res.Histograms = map[string]Dump{"invite_180": dump(&st.ringing), "invite_200": dump(&st.answer),
		"bye_200": dump(&st.bye), "launch_lag": dump(&st.lag)}
	res.FirstFailure = st.first
	res.Wire = w.snapshot()
}
