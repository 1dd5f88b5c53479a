// Package clustertest starts throwaway servers the cluster's tests (and the
// PostgreSQL store's) need, real ones, on 127.0.0.1 and free ports:
//
//   - StartRedis: a redis-server (Debian package redis-server), no
//     persistence, stopped when the test ends; Stop and Start restart it
//     (empty) as a crash would;
//   - StartPostgres (or NewPostgres, for one server per test binary): a
//     PostgreSQL server (Debian package postgresql) in a temporary
//     directory, trusting local connections, with a database per test
//     (NewDatabase). As root it runs the server as the user postgres (or
//     nobody): PostgreSQL refuses to run as root.
//
// It imports the standard library only (it speaks the little of
// PostgreSQL's protocol it needs itself), so any test may use it.
package clustertest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Redis is a throwaway redis-server.
type Redis struct {
	t    testing.TB
	dir  string
	Port int
	URL  string // redis://127.0.0.1:PORT/0
	cmd  *exec.Cmd
}

// StartRedis starts a redis-server for the test; it fails the test when
// redis-server is not installed (apt-get install redis-server; `make test`
// installs it).
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server not found: apt-get install redis-server (make test installs it)")
	}
	r := &Redis{t: t, dir: t.TempDir(), Port: freePort(t)}
	r.URL = "redis://127.0.0.1:" + strconv.Itoa(r.Port) + "/0"
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start starts the server (again, after Stop), with an empty data set,
// and waits until it accepts connections.
func (r *Redis) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(r.Port),
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(r.Port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
	r.t.Fatalf("redis-server did not start on port %d:\n%s", r.Port, log)
}

// Pid is the running server's process id (0 when stopped).
func (r *Redis) Pid() int {
	if r.cmd == nil || r.cmd.Process == nil {
		return 0
	}
	return r.cmd.Process.Pid
}

// Stop kills the server (as a crash would) and waits for it.
func (r *Redis) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(fmt.Errorf("no free port: %w", err))
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
