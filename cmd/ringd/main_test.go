package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runCommand(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ringd.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckAcceptsTheDemoConfig(t *testing.T) {
	code, out, errs := runCLI("check", "-config", writeFile(t, string(config.DemoYAML)))
	if code != 0 || !strings.Contains(out, ": ok (5 extensions, 6 ring groups") {
		t.Fatalf("check demo: exit %d, out %q, err %q", code, out, errs)
	}
}

func TestCheckListsEveryProblemWithItsPath(t *testing.T) {
	bad := `sip:
  listen: ["udp://127.0.0.1:5060"]
  domain: ringd.local
extensions:
  - { number: "1001", password: x }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    ring_time: 0
    members: [{ extension: "1001" }, { extension: "1009" }]
    colour: blue
`
	code, _, errs := runCLI("check", "-config", writeFile(t, bad))
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		`ring_groups[0].members[1].extension: unknown extension "1009"`,
		`ring_groups[0].ring_time: must be 1-600 s, got 0s`,
		`ring_groups[0].colour: unknown field (line 12)`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("output lacks %q:\n%s", want, errs)
		}
	}
}

func TestCommandLine(t *testing.T) {
	if code, out, _ := runCLI("version"); code != 0 || !strings.HasPrefix(out, "ringd ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errs := runCLI("frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := runCLI("check"); code != 2 || !strings.Contains(errs, "-config FILE is required") {
		t.Errorf("check without -config: %d %q", code, errs)
	}
	if code, _, _ := runCLI("check", "-config", filepath.Join(t.TempDir(), "missing.yaml")); code != 1 {
		t.Errorf("check of a missing file: exit %d, want 1", code)
	}
}

// TestServeStartsAndStopsOnSIGTERM runs the real binary: it serves a config,
// answers, and exits 0 on SIGTERM; an invalid config never starts.
func TestServeStartsAndStopsOnSIGTERM(t *testing.T) {
	bin := binary(t)
	port := freePort(t)
	cfg := writeFile(t, `sip:
  listen: ["udp://127.0.0.1:`+port+`", "tcp://127.0.0.1:`+port+`"]
  domain: ringd.local
store: "memory:"
log: { level: info, format: json }
extensions:
  - { number: "1001", password: secret }
ring_groups:
  - { number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1001" }] }
`)
	cmd := exec.Command(bin, "serve", "-config", cfg)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(logs.String(), "ringd started") {
		select {
		case err := <-exited:
			t.Fatalf("ringd exited before starting: %v\n%s", err, logs.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("no start within 10 s:\n%s", logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `"stopped"`) {
		t.Errorf("no orderly stop in the log:\n%s", logs.String())
	}

	bad := writeFile(t, "sip: { listen: [], domain: '' }\n")
	out, err := exec.Command(bin, "serve", "-config", bad).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "sip.domain: required") {
		t.Errorf("invalid config: %v\n%s", err, out)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freePort finds a port free on 127.0.0.1 for both UDP and TCP.
func freePort(t *testing.T) string {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if u, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			_ = u.Close()
			return strconv.Itoa(port)
		}
	}
	t.Fatal("no free port")
	return ""
}
