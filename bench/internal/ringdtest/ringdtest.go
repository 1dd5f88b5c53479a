package ringdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	ringdBin  string
	buildErr  error
)

// Build builds cmd/ringd once per test binary and returns its path.
func Build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ringbench-ringd")
		if err != nil {
			buildErr = err
			return
		}
		ringdBin = filepath.Join(dir, "ringd")
		if out, err := exec.Command("go", "build", "-o", ringdBin, "github.com/ringd/ringd/cmd/ringd").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build ringd: %v", buildErr)
	}
	return ringdBin
}

// Cleanup removes the binary Build made, if it made one: TestMain calls it
// once the tests have run.
func Cleanup() {
	if ringdBin != "" {
		_ = os.RemoveAll(filepath.Dir(ringdBin))
	}
}

// FreeUDPPorts returns n ports that were free on 127.0.0.1 a moment ago.
func FreeUDPPorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var conns []net.PacketConn
	for range n {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		ports = append(ports, c.LocalAddr().(*net.UDPAddr).Port)
	}
	for _, c := range conns {
		c.Close()
	}
	return ports
}

// LockedBuffer is a bytes.Buffer that a process's output and a test may
// use at once.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Start runs ringd on a free UDP port with the config body (sip and
// store are added) and returns its SIP address and pid; it stops with the test.
func Start(t *testing.T, sipExtra, body string) (addr string, pid int) {
	t.Helper()
	port := FreeUDPPorts(t, 1)[0]
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	cfg := filepath.Join(t.TempDir(), "ringd.yaml")
	yaml := fmt.Sprintf("sip:\n  listen: [\"udp://%s\"]\n  domain: ringd.local\n%sstore: \"memory:\"\nlog: { level: info, format: text }\n%s", addr, sipExtra, body)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return addr, Serve(t, cfg)
}

// Serve runs ringd serve on the config file until it has started and
// returns its pid; it stops (SIGTERM) with the test, and its log is
// printed when the test failed.
func Serve(t *testing.T, cfg string) (pid int) {
	t.Helper()
	logs := &LockedBuffer{}
	cmd := exec.Command(Build(t), "serve", "-config", cfg)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("ringd log:\n%s", logs.String())
		}
	})
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(logs.String(), "ringd started"); {
		select {
		case err := <-exited:
			t.Fatalf("ringd exited: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("ringd did not start:\n%s", logs.String())
		}
	}
	return cmd.Process.Pid
}
