package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ringd/ringd/bench/proc"
)

// memberLinger is how long the members stay after the last call ended, for
// ringd's last CANCELs and BYEs to the losing legs.
var memberLinger = 500 * time.Millisecond

// Run plays one load run against ringd: it starts the member agents
// (registering them, or at their static ports), checks that ringd answers
// OPTIONS, launches the calls on the open-loop schedule, waits for the last
// one to end, and returns the result. It prints the live progress line to
// progress and the summary to out (informational lines too, unless Quiet),
// and writes the JSON file when JSONPath is set. It returns an error only
// when the run could not be set up or the file not written; failed calls
// are figures in the result. Cancelling ctx stops launching, CANCELs the
// ringing calls and hangs up the answered ones.
func Run(ctx context.Context, cfg Config, out, progress io.Writer) (*Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.PrintConfig {
		if len(cfg.MemberPorts) == 0 {
			return nil, fmt.Errorf("-print-config needs -member-ports")
		}
		WriteConfigSnippet(out, cfg, cfg.MemberPorts)
		return nil, nil
	}
	info := out
	if cfg.Quiet {
		info, progress = io.Discard, nil
	}
	installTap()
	setVerbose(cfg.Verbose)
	if cfg.CPUProf != "" {
		stop, err := startProfile(cfg.CPUProf)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	w := newWire()

	memberCtx, stopMembers := context.WithCancel(context.Background())
	members, err := startMembers(memberCtx, cfg, w)
	if err != nil {
		stopMembers()
		return nil, err
	}
	registered := false
	defer func() { // members go last
		stopMembers()
		if registered {
			_ = forEach(members, 32, func(m *member) error { return m.register(context.Background(), cfg, 0) })
		}
		for _, m := range members {
			m.close()
		}
	}()
	c, err := startCaller(cfg, w)
	if err != nil {
		return nil, err
	}
	defer c.close()

	var regFailed atomic.Int64
	if cfg.Register {
		registered = true
		if err := forEach(members, 32, func(m *member) error { return m.register(ctx, cfg, cfg.Expires) }); err != nil {
			return nil, err
		}
		for _, m := range members {
			go m.keepRegistered(memberCtx, cfg, &regFailed)
		}
		fmt.Fprintf(info, "ringbench: %d members registered at %s over %s\n", len(members), cfg.Proxy, cfg.Transport)
	} else {
		ports := make([]int, len(members))
		for i, m := range members {
			ports[i] = m.port
		}
		WriteConfigSnippet(info, cfg, ports)
	}
	if err := c.ping(ctx); err != nil {
		return nil, err
	}

	res := &Result{Tool: "ringbench", Command: cfg.Args, Config: cfg.view(), Machine: thisMachine()}
	st := newStats()
	sched := newSchedule(cfg)
	var ringd *proc.Meter
	if cfg.RingdPID > 0 {
		if _, err := proc.CPUTime(cfg.RingdPID); err != nil {
			return nil, fmt.Errorf("-ringd-pid %d: %w", cfg.RingdPID, err)
		}
		ringd = proc.StartMeter(cfg.RingdPID)
	}
	self := proc.StartMeter(0)
	selfTotal := proc.StartMeter(0)
	udp0, udpOK := proc.ReadUDPErrors()
	res.Start = time.Now()
	prog := newProgress(progress, st, sched, res.Start, ringd, self)

	sampling := make(chan struct{})
	samplerDone := make(chan struct{})
	go func() {
		defer close(samplerDone)
		t := time.NewTicker(cfg.Interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				prog.tick()
			case <-sampling:
				return
			}
		}
	}()

	window := launchCalls(ctx, cfg, sched, c, st, res.Start)
	res.End = time.Now()
	close(sampling)
	<-samplerDone
	prog.done()
	time.Sleep(memberLinger) // ringd's last CANCELs and BYEs reach the members and the counts

	fill(res, cfg, st, sched, window, w)
	res.RegisterFail = regFailed.Load()
	if udp1, ok := proc.ReadUDPErrors(); ok && udpOK {
		res.UDP = &proc.UDPErrors{InErrors: udp1.InErrors - udp0.InErrors, RcvbufErrors: udp1.RcvbufErrors - udp0.RcvbufErrors}
	}
	res.Timeline = prog.samples
	if d, ok := selfTotal.Used(); ok {
		res.CPU.SelfSeconds = d.Seconds()
	}
	if ringd != nil {
		if d, ok := ringd.Used(); ok {
			res.CPU.RingdPID = cfg.RingdPID
			res.CPU.RingdSeconds = d.Seconds()
			if res.Calls.Launched > 0 {
				res.CPU.RingdMsPerCall = 1000 * d.Seconds() / float64(res.Calls.Launched)
			}
			ringd.Interval()
			res.CPU.RingdPeakRSSMiB = float64(ringd.PeakRSS()) / (1 << 20)
		}
	}
	res.WriteSummary(out)
	if cfg.JSONPath != "" {
		if err := res.WriteJSON(cfg.JSONPath); err != nil {
			return res, fmt.Errorf("-json: %w", err)
		}
	}
	return res, nil
}

// startMembers starts one agent per member, with its behaviour source.
func startMembers(ctx context.Context, cfg Config, w *wire) ([]*member, error) {
	var dealt []Behaviour
	if cfg.MixBy == "member" {
		dealt = cfg.Profile.deal(len(cfg.Members))
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7269_6e67))
	members := make([]*member, 0, len(cfg.Members))
	for i, ext := range cfg.Members {
		choose := func() Behaviour {
			mu.Lock()
			defer mu.Unlock()
			return cfg.Profile.draw(rng)
		}
		if dealt != nil {
			b := dealt[i]
			choose = func() Behaviour { return b }
		}
		port := 0
		if len(cfg.MemberPorts) > 0 {
			port = cfg.MemberPorts[i]
		}
		m, err := startMember(ctx, ext, cfg.LocalIP, port, cfg.Transport, choose, w)
		if err != nil {
			for _, m := range members {
				m.close()
			}
			return nil, err
		}
		members = append(members, m)
	}
	return members, nil
}

// startProfile writes ringbench's own CPU profile to path until stop.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
