package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

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
	Transport      string   `json:"transport"`
	CallerProxy    string   `json:"caller_proxy"`
	CallerTrans    string   `json:"caller_transport"`
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
	v := ConfigView{Proxy: c.Proxy, Transport: c.Transport, CallerProxy: c.CallerProxy, CallerTrans: c.CallerTransport, Domain: c.Domain, Group: c.Group, Members: c.Members, Register: c.Register,
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
