package proc

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// CPUTime reads the user+system CPU time of a process from /proc
// (pid 0: this process). Linux only; elsewhere it returns an error.
func CPUTime(pid int) (time.Duration, error) {
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

// Meter measures the CPU time a process spends from its start, and per
// interval, and keeps the largest RSS it saw.
type Meter struct {
	pid     int
	ok      bool
	start   time.Duration
	last    time.Duration
	lastAt  time.Time
	peakRSS int64
}

// StartMeter starts measuring process pid (0: this process).
func StartMeter(pid int) *Meter {
	t, err := CPUTime(pid)
	return &Meter{pid: pid, ok: err == nil, start: t, last: t, lastAt: time.Now(), peakRSS: rssBytes(pid)}
}

// Used is the CPU time spent since the start (false: not measurable).
func (m *Meter) Used() (time.Duration, bool) {
	t, err := CPUTime(m.pid)
	if !m.ok || err != nil {
		return 0, false
	}
	return t - m.start, true
}

// Interval is the CPU use since the previous call, in % of one core (-1:
// not measurable); it also samples the RSS.
func (m *Meter) Interval() float64 {
	m.peakRSS = max(m.peakRSS, rssBytes(m.pid))
	t, err := CPUTime(m.pid)
	now := time.Now()
	if !m.ok || err != nil {
		return -1
	}
	pct := 100 * float64(t-m.last) / float64(now.Sub(m.lastAt))
	m.last, m.lastAt = t, now
	return pct
}

// PeakRSS is the largest RSS seen, in bytes: at the start and at every
// Interval (0 when unknown).
func (m *Meter) PeakRSS() int64 { return m.peakRSS }
