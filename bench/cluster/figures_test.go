//go:build cluster

package cluster

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/siptest"
)

// The cluster's figures (issue 17 item 9), in one sitting on this
// machine, written to a Markdown file when -figures names one:
//
//	go test -tags cluster -count=1 -timeout 30m -run TestFigures ./bench/cluster/ -figures RESULTS.md
//
// (no -race: the load generator runs in the test binary).
var figuresOut = flag.String("figures", "", "TestFigures: measure the cluster and write the report to this file")

// A setup under load: where calls go, which processes are the servers.
type setup struct {
	name   string
	pick   func(i int) callee
	pids   func() []int // ringd nodes
	extra  func() []int // the dispatcher's processes, if any
	redis  int          // redis-server's pid
	nodesN int
}

// cpuTicks is the user+system CPU time of pids, in clock ticks (1/100 s).
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after "pid (comm) "
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		k, _ := strconv.ParseInt(f[12], 10, 64)
		sum += u + k
	}
	return sum
}

// groupPids lists the processes of process group pgid.
func groupPids(pgid int) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// step is one rate held for a while.
type step struct {
	rate     float64
	calls    int
	failed   int
	took     time.Duration // from the first call's launch to the last call's end
	launched time.Duration // from the first launch to the last
	ringdCPU time.Duration // every node's CPU
	extraCPU time.Duration // the dispatcher's CPU
	redisCPU time.Duration
	selfCPU  time.Duration // the load generator's (this test binary's)
	setup    string
	why      string // the failures, by kind
}

func (s step) clean(d time.Duration) bool {
	return s.failed == 0 && s.launched <= d+d/20
}

// runStep places calls at rate for d through su and measures them.
func runStep(t *testing.T, su setup, cs []*siptest.Agent, rate float64, d time.Duration) step {
	pids := su.pids()
	var extra []int
	if su.extra != nil {
		extra = su.extra()
	}
	self := []int{os.Getpid()}
	c0, e0, r0, s0 := cpuTicks(pids), cpuTicks(extra), cpuTicks([]int{su.redis}), cpuTicks(self)
	start := time.Now()
	var lastLaunch time.Time
	var mu sync.Mutex
	out := load(t, cs, rate, d, 200*time.Millisecond, func(i int) callee {
		mu.Lock()
		lastLaunch = time.Now()
		mu.Unlock()
		return su.pick(i)
	})
	took := time.Since(start)
	tick := func(n int64) time.Duration { return time.Duration(n) * 10 * time.Millisecond }
	return step{rate: rate, calls: len(out), failed: len(failures(out)), took: took, launched: lastLaunch.Sub(start),
		ringdCPU: tick(cpuTicks(pids) - c0), extraCPU: tick(cpuTicks(extra) - e0), redisCPU: tick(cpuTicks([]int{su.redis}) - r0),
		selfCPU: tick(cpuTicks(self) - s0), setup: setupStats(out), why: failureKinds(out)}
}

// failureKinds counts the failures by what went wrong (digits and
// addresses left out), most frequent first.
func failureKinds(out []outcome) string {
	n := map[string]int{}
	for _, o := range out {
		if o.err == nil {
			continue
		}
		k := o.err.Error()
		if i := strings.Index(k, "Get \""); i >= 0 {
			k = k[:i]
		}
		k = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '#'
			}
			return r
		}, k)
		if len(k) > 120 {
			k = k[:120]
		}
		n[k]++
	}
	var kinds []string
	for k := range n {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int { return n[b] - n[a] })
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d × %s", n[k], k))
	}
	return strings.Join(parts, "; ")
}

// redisCommandStats is Redis's count of calls per command.
func redisCommandStats(t *testing.T, port int) map[string]int64 {
	out, err := exec.Command("redis-cli", "-p", strconv.Itoa(port), "info", "commandstats").Output()
	if err != nil {
		t.Fatalf("redis-cli info commandstats: %v", err)
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(out), "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
		m[strings.TrimPrefix(name, "cmdstat_")] = n
	}
	return m
}

func statsDelta(a, b map[string]int64) map[string]int64 {
	d := map[string]int64{}
	for k, v := range b {
		if v-a[k] != 0 {
			d[k] = v - a[k]
		}
	}
	delete(d, "info")
	return d
}

func TestFigures(t *testing.T) {
	if *figuresOut == "" {
		t.Skip("measures for minutes: -figures FILE to run it")
	}
	var report strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&report, format, args...) }
	rates := []float64{100, 200, 300, 400, 600, 800, 1000, 1200, 1500, 2000}
	const stepFor = 5 * time.Second
	const cpuRate, cpuFor = 150.0, 10 * time.Second

	type result struct {
		su       setup
		steps    []step
		cpu      step
		maxClean float64
	}
	var results []result
	measure := func(su setup, cs []*siptest.Agent) result {
		r := result{su: su}
		runStep(t, su, cs, 50, 2*time.Second) // warm up
		r.cpu = runStep(t, su, cs, cpuRate, cpuFor)
		t.Logf("%s: %.0f calls/s for %v: %d calls, %d failed, ringd CPU %v, dispatcher %v, redis %v; setup %s", su.name, cpuRate, cpuFor,
			r.cpu.calls, r.cpu.failed, r.cpu.ringdCPU, r.cpu.extraCPU, r.cpu.redisCPU, r.cpu.setup)
		for _, rate := range rates {
			s := runStep(t, su, cs, rate, stepFor)
			r.steps = append(r.steps, s)
			t.Logf("%s: %.0f calls/s: %d calls, %d failed, launched over %v (of %v), setup %s; CPU ringd %v, dispatcher %v, generator %v %s",
				su.name, rate, s.calls, s.failed, s.launched.Round(10*time.Millisecond), stepFor, s.setup, s.ringdCPU, s.extraCPU, s.selfCPU, s.why)
			if !s.clean(stepFor) {
				break
			}
			r.maxClean = rate
			time.Sleep(2 * time.Second) // the last calls' transactions end
		}
		return r
	}

	// 1: one node, called directly.
	{
		c := startCluster(t, 1)
		for _, ext := range []string{"1101", "1102", "1103", "1104"} {
			phone(t, ext, c.nodes[0])
		}
		c.waitRegistered("1101", "1102", "1103", "1104")
		su := setup{name: "1 node", nodesN: 1, redis: c.redis.Pid(),
			pick: func(int) callee { return callee{number: "6040", node: c.nodes[0].sip} },
			pids: func() []int { return []int{c.nodes[0].pid} }}
		results = append(results, measure(su, callers(t, 8)))
		c.stop()
	}
	// 2: three nodes behind the dispatcher; then Redis round trips and
	// the time an API change takes to reach every node, on the same
	// cluster.
	var perCall map[string]float64
	var publishes float64
	var spread []time.Duration
	{
		c := startCluster(t, 3)
		d := startDispatcher(t, c.nodes)
		exts := []string{"1101", "1102", "1103", "1104"}
		for _, ext := range exts {
			registerVia(t, siptest.NewAgent(t, ext), d.addr)
		}
		c.waitRegistered(exts...)
		su := setup{name: "3 nodes behind the dispatcher", nodesN: 3, redis: c.redis.Pid(),
			pick:  func(int) callee { return callee{number: "6040", proxy: d.addr} },
			pids:  func() []int { return []int{c.nodes[0].pid, c.nodes[1].pid, c.nodes[2].pid} },
			extra: func() []int { return groupPids(d.pgid) }}
		cs := callers(t, 8)
		results = append(results, measure(su, cs))

		// Redis commands per call: 200 calls at 20 calls/s, less what the
		// three nodes send idle over as long (heartbeats).
		time.Sleep(3 * time.Second)
		a := redisCommandStats(t, c.redis.Port)
		time.Sleep(10 * time.Second)
		b := redisCommandStats(t, c.redis.Port)
		idle := statsDelta(a, b)
		out := load(t, cs, 20, 10*time.Second, 200*time.Millisecond, su.pick)
		time.Sleep(time.Second)
		busy := statsDelta(b, redisCommandStats(t, c.redis.Port))
		if f := failures(out); len(f) > 0 {
			t.Errorf("%d of the %d calls counted for Redis failed", len(f), len(out))
		}
		took := 11 * time.Second // the calls' 10 s and the second after
		perCall = map[string]float64{}
		for k, v := range busy {
			x := (float64(v) - float64(idle[k])*took.Seconds()/10) / float64(len(out))
			if x > 0.005 {
				perCall[k] = x
			}
		}
		publishes = perCall["publish"]
		t.Logf("Redis commands per call: %v (idle, per 10 s: %v)", perCall, idle)

		// An API change on node 2 until every node routes by it, 10 times.
		phones := map[string]*siptest.Agent{}
		for _, ext := range []string{"1001", "1002"} {
			phones[ext] = phone(t, ext, c.nodes[0])
		}
		c.waitRegistered("1001", "1002")
		callersPerNode := callers(t, 3)
		for k := range 10 {
			number := strconv.Itoa(6100 + k)
			ext := []string{"1001", "1002"}[k%2]
			code, body, err := apiCall(c.nodes[1], "POST", "/api/v1/ring_groups",
				fmt.Sprintf(`{"number":%q,"name":"Fig %d","strategy":"ring_all","ring_time":5,"members":[{"extension":%q}]}`, number, k, ext))
			if err != nil || code != 201 {
				t.Fatalf("POST ring group: %d %s %v", code, body, err)
			}
			created := time.Now()
			var wg sync.WaitGroup
			var mu sync.Mutex
			var last time.Duration
			for j, nd := range c.nodes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for time.Since(created) < 5*time.Second {
						at := time.Since(created)
						if o := call(callersPerNode[j], callee{number: number, node: nd.sip}, 0); o.err == nil {
							mu.Lock()
							last = max(last, at)
							mu.Unlock()
							return
						}
					}
					t.Errorf("%s never routed %s", nd.name, number)
				}()
			}
			wg.Wait()
			spread = append(spread, last)
		}
		t.Logf("API change to every node: %v", spread)
		c.stop()
	}
	if t.Failed() {
		return
	}

	// The report.
	host, _ := os.Hostname()
	cpuModel := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpuModel = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := exec.Command("uname", "-r").Output()
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	w("# bench/cluster: figures\n\n")
	w("Written by `TestFigures` (`go test -tags cluster -count=1 -timeout 30m -run TestFigures ./bench/cluster/ -figures RESULTS.md`),\n")
	w("all in one sitting on one machine: %s, %d CPUs (%s), Linux %s, %s; ringd at %s (the tree as built, with any\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpuModel, strings.TrimSpace(string(kernel)), runtime.Version(),
		strings.TrimSpace(string(commit)))
	w("uncommitted changes), host %s.\n\n", host)
	w("How: ringd nodes on 127.0.0.2-4 with `store: postgres://` (one throwaway PostgreSQL) and `cluster:` (one throwaway Redis), as\n")
	w("`make cluster` runs them (log level info, GOMAXPROCS unset); the load generator is the test binary itself: sipgo callers and four\n")
	w("registered phones on 127.0.0.1 (`bench/cluster/harness_test.go`), calls to a cyclic group of the four (`skip_busy: false`),\n")
	w("answered at once, hung up by the caller after 200 ms. CPU is user+system time from /proc of the ringd processes (and\n")
	w("separately of Kamailio's and Redis's), over the step. A step is **clean** with no failed call (every INVITE answered 200, ACKed,\n")
	w("its BYE answered 200) and every call launched within 5 %% of the step's time.\n\n")

	w("## Calls/s and CPU per call: 1 node vs 3 nodes behind Kamailio's dispatcher\n\n")
	w("| setup | CPU per call at %.0f calls/s (%v): ringd, all nodes | the dispatcher | Redis | highest clean rate (steps of %v: %s calls/s) |\n",
		cpuRate, cpuFor, stepFor, joinRates(rates))
	w("|---|---|---|---|---|\n")
	for _, r := range results {
		per := func(d time.Duration) string {
			if r.cpu.calls == 0 {
				return "-"
			}
			return fmt.Sprintf("%d µs", d.Microseconds()/int64(r.cpu.calls))
		}
		extra := "-"
		if r.su.extra != nil {
			extra = per(r.cpu.extraCPU)
		}
		best := strconv.FormatFloat(r.maxClean, 'f', 0, 64)
		if r.maxClean == rates[len(rates)-1] {
			best = "≥ " + best + " (the highest step)"
		}
		w("| %s | %s (%d calls, %d failed) | %s | %s | %s |\n", r.su.name, per(r.cpu.ringdCPU), r.cpu.calls, r.cpu.failed, extra,
			per(r.cpu.redisCPU), best)
	}
	w("\nEvery step (CPU per call: the step's CPU over its calls; the generator is this test binary, callers and phones):\n\n")
	w("| setup | calls/s | s | calls | failed | launched over | setup time (INVITE to final) | ringd CPU per call | dispatcher | generator |\n")
	w("|---|---|---|---|---|---|---|---|---|---|\n")
	var whys []string
	for _, r := range results {
		for _, s := range append([]step{r.cpu}, r.steps...) {
			per := func(d time.Duration) string {
				if d == 0 {
					return "-"
				}
				return fmt.Sprintf("%d µs", d.Microseconds()/int64(s.calls))
			}
			w("| %s | %.0f | %.0f | %d | %d | %v | %s | %s | %s | %s |\n", r.su.name, s.rate, float64(s.calls)/s.rate, s.calls, s.failed,
				s.launched.Round(10*time.Millisecond), s.setup, per(s.ringdCPU), per(s.extraCPU), per(s.selfCPU))
			if s.why != "" {
				whys = append(whys, fmt.Sprintf("- %s at %.0f calls/s: %s", r.su.name, s.rate, s.why))
			}
		}
	}
	if len(whys) > 0 {
		w("\nThe failed calls, by what went wrong:\n\n%s\n", strings.Join(whys, "\n"))
	}
	w("\n## Redis per call\n\n")
	w("200 calls at 20 calls/s through the dispatcher to the three nodes; Redis's `INFO commandstats` before and after, less what the\n")
	w("three idle nodes sent over as long (their heartbeats: measured for 10 s just before). Commands per call:\n\n| command | per call |\n|---|---|\n")
	var names []string
	for k := range perCall {
		names = append(names, k)
	}
	slices.Sort(names)
	total := 0.0
	for _, k := range names {
		w("| %s | %.2f |\n", k, perCall[k])
		total += perCall[k]
	}
	w("| all | %.2f |\n\n", total)
	w("A node sends each change (a binding, a busy mark on or off, a ring or an answer of a cyclic group) as one pipeline: the\n")
	w("state's write and the PUBLISH, one round trip; so the round trips per call are the PUBLISHes per call, **%.1f**, spread over\n", publishes)
	w("the nodes that took the call's legs, none of them on the call's path (the writes leave through a queue; no decision waits).\n")
	w("A busy mark is sent only when an extension's state changes: with four members taking about four calls at once, a member\n")
	w("was now and then already busy with another call, hence fewer than 4 (a ring, an answer, busy on, busy off) per call.\n\n")
	w("## An API change reaching every node\n\n")
	w("A new ring group POSTed on node 2, ten times; after each 201, a caller per node dials the new number on its node until a call\n")
	w("is routed (the member rings and answers). The time until the last of the three nodes routed it (resolution: one call, a few ms):\n\n")
	slices.Sort(spread)
	for i := range spread {
		spread[i] = spread[i].Round(100 * time.Microsecond)
	}
	w("median %v, max %v (all: %v)\n\n", spread[len(spread)/2], spread[len(spread)-1], spread)
	w(notes)
	if err := os.WriteFile(*figuresOut, []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", *figuresOut)
}

func joinRates(r []float64) string {
	var s []string
	for _, x := range r {
		s = append(s, strconv.FormatFloat(x, 'f', 0, 64))
	}
	return strings.Join(s, ", ")
}

const notes = `## What these figures can and cannot say

**Scaling cannot show here.** This machine has 2 cores, and everything runs on them at once: the three ringd nodes, Kamailio's
four workers and its timer processes, Redis, PostgreSQL, and the load generator with its phones (about as much CPU per call
as ringd, the generator column). Three nodes on 2 cores share the 2 cores one node had, so the cluster's highest clean rate
is at best the single node's, and in practice lower: each call now also crosses the dispatcher (every request and response
of the call and of its member leg passes Kamailio too), and each node spends CPU on Redis (its writes, and the other nodes'
events it reads) that a lone node does not. The CPU per call summed over the nodes is that overhead, the cluster's cost,
not its capacity: at the same rates (100-600 calls/s) three nodes spent 1.3-1.9 x one node's CPU per call in the
sitting above, plus Kamailio's. CPU per call
falls as the rate rises for both (a node's fixed costs - heartbeats, timers, the runtime - spread over more calls).

**Where the three nodes stopped.** At 800 calls/s the dispatcher answered "503 No ringd node available": with the 2 cores
saturated, OPTIONS probes went unanswered in time, and dispatcher.cfg takes a node out after one failed probe
(ds_probing_threshold 1, chosen for a quick failover in the kill -9 case); every node was out at once for a moment. A
production dispatcher on its own cores would not starve its nodes' probes this way; a threshold of 2-3 trades a slower
failover for resistance to one late probe.

**It is noisy.** The same step moves between sittings on this VM: in the four sittings made while writing this test, one
node's highest clean rate was 800 (the top step then), >= 1,500 (the top step then), 800 and 1,500 calls/s; three nodes'
200, 200 (Kamailio ran out of its 64 MB of shared memory: it now gets 1 GB, as in bench/compare), 400 and 600.

**What a multi-core host (or one host per node) should show.** A call is handled by one node end to end (the dispatcher
keeps its requests on the node it chose); the only work a call causes on the other nodes is reading the few events above
(a busy mark on and off, a ring, an answer) and applying them to their local view, a small fraction of a call's CPU. So with
each node on cores of its own, and the load generator elsewhere, the highest clean rate should grow nearly linearly with the
nodes - about 3 x one node's for three - until something shared saturates: the dispatcher (Kamailio's workers: give it as
many as it needs), Redis (single-threaded, but a handful of small commands per call is far below what one Redis core serves),
or PostgreSQL (written once per call record, batched, and per registration). CPU per call summed over the nodes should stay
near one node's plus the Redis events, as here. Those are expectations from how the work is split, not measurements: to
measure them, run the same test with the nodes, Redis, Kamailio and the load generator pinned to disjoint cores (taskset) or
on separate hosts.
`
