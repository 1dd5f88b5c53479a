//go:build cluster

package cluster

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/siptest"
)

// dispatcher is Kamailio running dispatcher.cfg in front of nodes.
type dispatcher struct {
	addr string // 127.0.0.1:PORT (UDP)
	log  *ringdtest.LockedBuffer
	pgid int // its process group: the main process and its children
}

// startDispatcher runs Kamailio with dispatcher.cfg over the nodes, in a
// process group of its own (its children with it), stopped with the test.
func startDispatcher(t *testing.T, nodes []*node) *dispatcher {
	t.Helper()
	if _, err := exec.LookPath("kamailio"); err != nil {
		t.Fatal("kamailio not found: apt-get install kamailio (make cluster installs it)")
	}
	cfg, err := filepath.Abs("dispatcher.cfg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var list strings.Builder
	for _, nd := range nodes {
		fmt.Fprintf(&list, "1 sip:%s\n", nd.sip)
	}
	listFile := filepath.Join(dir, "dispatcher.list")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t, "127.0.0.1", true)
	d := &dispatcher{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), log: &ringdtest.LockedBuffer{}}
	// Shared memory as bench/compare gives Kamailio (64 MB ran out of
	// transactions at 300 calls/s).
	args := []string{"-DD", "-E", "-f", cfg, "-Y", dir, "-m", "1024", "-M", "16",
		"-A", "LISTEN=udp:" + d.addr, "-A", `NODES="` + listFile + `"`}
	cmd := exec.Command("kamailio", args...)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pgid := cmd.Process.Pid
	d.pgid = pgid
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("kamailio log:\n%s", d.log.String())
		}
	})
	// Up once its UDP port is taken.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.ListenPacket("udp", d.addr)
		if err != nil {
			break
		}
		c.Close()
		select {
		case err := <-exited:
			t.Fatalf("kamailio exited: %v\n%s", err, d.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("kamailio did not bind %s:\n%s", d.addr, d.log.String())
		}
	}
	return d
}

// callsOn is how many calls to group a node has taken (-1: unreachable).
func callsOn(nd *node, group string) float64 {
	return metric(nd, "ringd_calls_total", `group="`+group+`"`)
}

// (g) Kamailio's dispatcher in front of the three nodes: phones register
// and call through it, the calls are spread over the nodes, and when one
// node is killed its probes take it out and calls go on succeeding.
func TestDispatcherInFront(t *testing.T) {
	c := startCluster(t, 3)
	d := startDispatcher(t, c.nodes)
	exts := []string{"1101", "1102", "1103", "1104"}
	for _, ext := range exts {
		registerVia(t, siptest.NewAgent(t, ext), d.addr)
	}
	c.waitRegistered(exts...)
	to := callee{number: "6040", proxy: d.addr}
	cs := callers(t, 4)

	out := load(t, cs, 10, 3*time.Second, 100*time.Millisecond, func(int) callee { return to })
	if f := failures(out); len(f) > 0 {
		t.Fatalf("%d of %d calls through the dispatcher failed:\n%s", len(f), len(out), strings.Join(f, "\n"))
	}
	var spread []string
	for _, nd := range c.nodes {
		n := callsOn(nd, "6040")
		spread = append(spread, fmt.Sprintf("%s %.0f", nd.name, n))
		if n < 1 {
			t.Errorf("%s took no call of the %d through the dispatcher", nd.name, len(out))
		}
	}
	t.Logf("%d calls through the dispatcher: %s; setup %s", len(out), strings.Join(spread, ", "), setupStats(out))

	victim := c.nodes[1]
	c.kill(victim)
	killed := time.Now()
	out = load(t, cs, 10, 8*time.Second, 100*time.Millisecond, func(int) callee { return to })
	if f := failures(out); len(f) > 0 {
		t.Errorf("%d of %d calls through the dispatcher failed after kill -9 of %s:\n%s", len(f), len(out), victim.name, strings.Join(f, "\n"))
	}
	slow, lastSlow := 0, time.Duration(0)
	for i, o := range out {
		if o.setup > time.Second { // tried on the dead node first: the dispatcher's 2-s timer, then the next node
			slow++
			lastSlow = time.Duration(float64(i) / 10 * float64(time.Second))
		}
	}
	t.Logf("%d calls through the dispatcher in the 8 s after kill -9 of %s: %d failed, %d failed over after the 2-s timer (the last one placed %v after the kill); setup %s",
		len(out), victim.name, len(failures(out)), slow, lastSlow.Round(100*time.Millisecond), setupStats(out))
	if lastSlow > 5*time.Second {
		t.Errorf("calls were still sent to the dead node %v after the kill: the probes (every 2 s) should have taken it out", lastSlow)
	}
	before := map[string]float64{}
	for _, nd := range c.nodes {
		if nd != victim {
			before[nd.name] = callsOn(nd, "6040")
		}
	}
	out = load(t, cs, 10, 2*time.Second, 100*time.Millisecond, func(int) callee { return to })
	if f := failures(out); len(f) > 0 {
		t.Errorf("%d of %d calls failed with %s out:\n%s", len(f), len(out), victim.name, strings.Join(f, "\n"))
	}
	spread = spread[:0]
	for _, nd := range c.nodes {
		if nd != victim {
			n := callsOn(nd, "6040") - before[nd.name]
			spread = append(spread, fmt.Sprintf("%s %.0f", nd.name, n))
			if n < 1 {
				t.Errorf("%s took none of the %d calls placed once %s was out", nd.name, len(out), victim.name)
			}
		}
	}
	t.Logf("%d calls %v after the kill: %s; setup %s", len(out), time.Since(killed).Round(time.Second), strings.Join(spread, ", "), setupStats(out))
	if n := strings.Count(d.log.String(), "node failed, next node"); n > 0 {
		t.Logf("the dispatcher's log: %d requests moved to the next node", n)
	}
}
