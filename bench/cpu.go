package bench

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime reads the user+system CPU time of a process from /proc
// (pid 0: this process). Linux only; elsewhere it returns an error.
func cpuTime(pid int) (time.Duration, error) {
	name := "/proc/self/stat"
	if pid > 0 {
		name = "/proc/" + strconv.Itoa(pid) + "/stat"
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, err
	}
	return parseStat(b)
}

// parseStat takes utime and stime (fields 14 and 15) from a stat line; the
// command name (field 2) may hold spaces and parentheses, so fields are
// counted after its last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat: no command field")
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("stat: %d fields", len(f)+2)
	}
	u, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	s, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("stat: bad utime/stime")
	}
	return time.Duration(u+s) * clockTick, nil
}

// rssBytes reads VmRSS of a process (0 when unknown).
func rssBytes(pid int) int64 {
	name := "/proc/self/status"
	if pid > 0 {
		name = "/proc/" + strconv.Itoa(pid) + "/status"
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return 0
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// cpuMeter measures the CPU time a process spends from its start, and per
// interval for the timeline, and keeps the largest RSS it saw.
type cpuMeter struct {
	pid     int
	ok      bool
	start   time.Duration
	last    time.Duration
	lastAt  time.Time
	peakRSS int64
}

func startCPU(pid int) *cpuMeter {
	t, err := cpuTime(pid)
	return &cpuMeter{pid: pid, ok: err == nil, start: t, last: t, lastAt: time.Now(), peakRSS: rssBytes(pid)}
}

// used is the CPU time spent since the start (false: not measurable).
func (m *cpuMeter) used() (time.Duration, bool) {
	t, err := cpuTime(m.pid)
	if !m.ok || err != nil {
		return 0, false
	}
	return t - m.start, true
}

// interval is the CPU use since the previous call, in % of one core (-1:
// not measurable); it also samples the RSS.
func (m *cpuMeter) interval() float64 {
	m.peakRSS = max(m.peakRSS, rssBytes(m.pid))
	t, err := cpuTime(m.pid)
	now := time.Now()
	if !m.ok || err != nil {
		return -1
	}
	pct := 100 * float64(t-m.last) / float64(now.Sub(m.lastAt))
	m.last, m.lastAt = t, now
	return pct
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
