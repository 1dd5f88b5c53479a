package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/siptest"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds ringd once for the tests that run it as a process.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "ringd-bin"); buildErr != nil {
			return
		}
		if out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "ringd"), ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return filepath.Join(binDir, "ringd")
}

// process is a running ringd.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan error
	sip    string // 127.0.0.1:port
	api    string // http://127.0.0.1:port
}

// start runs ringd with cfg and waits until it serves.
func start(t *testing.T, cfg string) *process {
	t.Helper()
	p := &process{t: t, logs: &syncBuffer{}, exited: make(chan error, 1)}
	p.cmd = exec.Command(binary(t), "serve", "-config", cfg)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	deadline := time.After(15 * time.Second)
	for !strings.Contains(p.logs.String(), "ringd started") {
		select {
		case err := <-p.exited:
			t.Fatalf("ringd exited before starting: %v\n%s", err, p.logs.String())
		case <-deadline:
			_ = p.cmd.Process.Kill()
			t.Fatalf("no start within 15 s:\n%s", p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Cleanup(p.stop)
	return p
}

func (p *process) stop() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
		}
	}
}

// kill stops ringd at once, as a crash would.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// api sends a request to the admin API and decodes the answer.
func (p *process) call(method, path string, body any) (int, map[string]any) {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.api+path, rd)
	req.Header.Set("Authorization", "Bearer e2e")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// e2eConfig writes a config serving SIP and the API on free ports, with
// its store at db.
func e2eConfig(t *testing.T, db string) (path, sipAddr, apiURL string) {
	sp, hp := freePort(t), freePort(t)
	path = writeFile(t, `sip:
  listen: ["udp://127.0.0.1:`+sp+`"]
  domain: ringd.local
  trusted: ["127.0.0.0/8"]
http:
  listen: 127.0.0.1:`+hp+`
  tokens: ["e2e"]
store: "sqlite:`+db+`"
log: { level: info, format: json }
extensions:
  - { number: "1001", name: Alice, password: secret1 }
  - { number: "2000", name: Caller, password: secret2 }
`)
	return path, "127.0.0.1:" + sp, "http://127.0.0.1:" + hp
}

// TestGroupCreatedThroughTheAPIRingsOnTheNextCall: a ring group made with
// POST /api/v1/ring_groups takes the very next SIP call to its number, and
// the call's record shows in GET /api/v1/cdr.
func TestGroupCreatedThroughTheAPIRingsOnTheNextCall(t *testing.T) {
	cfg, sipAddr, apiURL := e2eConfig(t, filepath.Join(t.TempDir(), "ringd.db"))
	p := start(t, cfg)
	p.sip, p.api = sipAddr, apiURL
	member := siptest.NewAgent(t, "1001")
	if res := member.Register(p.sip, "secret1", 600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	caller := siptest.NewAgent(t, "2000")
	// Before: 6500 is nobody.
	if code := caller.Dial(context.Background(), p.sip, "6500").Wait(t, 3*time.Second); code != 404 {
		t.Fatalf("6500 before it exists: %d, want 404", code)
	}
	code, out := p.call("POST", "/api/v1/ring_groups", map[string]any{
		"number": "6500", "name": "Made by API", "strategy": "ring_all", "ring_time": 10, "pai": true,
		"members": []any{map[string]any{"extension": "1001"}},
	})
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	call := caller.Dial(context.Background(), p.sip, "6500")
	inv := member.WaitInvite(3 * time.Second)
	if h := inv.GetHeader("P-Asserted-Identity"); h == nil || h.Value() != `"Made by API" <sip:6500@ringd.local>` {
		t.Errorf("PAI %v", h)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call to the new group: %d", code)
	}
	call.AckAndBye(t)
	var recs []any
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, l := p.call("GET", "/api/v1/cdr?group=6500", nil); code == 200 && l["count"] == 1.0 {
			recs = l["items"].([]any)
			break
		}
	}
	if len(recs) != 1 {
		t.Fatalf("no call record for 6500")
	}
	rec := recs[0].(map[string]any)
	if rec["outcome"] != "answered" || rec["answered_by"] != "1001" || rec["caller"] != "2000" {
		t.Errorf("record %v", rec)
	}
	if code, l := p.call("GET", "/api/v1/registrations", nil); code != 200 || l["count"] != 1.0 {
		t.Errorf("registrations: %d %v", code, l)
	}
	// Observability on the same listener.
	metrics := p.text("/metrics")
	for _, want := range []string{
		`ringd_calls_total{group="6500",outcome="answered"} 1`,
		`ringd_calls_total{group="6500",outcome="no_agent"} 0`, // there from start, at 0
		`ringd_legs_total{group="6500",result="answered"} 1`,
		`ringd_members{group="6500",state="available"} 1`,
		`ringd_registrations 1`,
		`ringd_sip_requests_total{method="INVITE"} 2`,
		`ringd_route_decision_seconds_count 1`,
		`go_goroutines`, `process_cpu_seconds_total`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if ready := p.text("/readyz"); !strings.Contains(ready, `"ready"`) {
		t.Errorf("/readyz: %s", ready)
	}
	if code, _ := p.call("PUT", "/api/v1/log/level", map[string]string{"level": "debug"}); code != 200 {
		t.Errorf("PUT log level: %d", code)
	}
	if code, l := p.call("GET", "/api/v1/log/level", nil); code != 200 || l["level"] != "debug" {
		t.Errorf("GET log level: %d %v", code, l)
	}
}

// text fetches a public endpoint as text.
func (p *process) text(path string) string {
	p.t.Helper()
	res, err := http.Get(p.api + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestEveryAcknowledgedWriteSurvivesSIGKILL writes through the API as fast
// as it can, kills ringd with SIGKILL in the middle, restarts it on the same
// store, and checks that every write answered 201 is there - and that the
// registration of a phone is back too.
func TestEveryAcknowledgedWriteSurvivesSIGKILL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringd.db")
	cfg, sipAddr, apiURL := e2eConfig(t, db)
	p := start(t, cfg)
	p.sip, p.api = sipAddr, apiURL
	phone := siptest.NewAgent(t, "1001")
	if res := phone.Register(p.sip, "secret1", 600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	var mu sync.Mutex
	var acked []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			number := fmt.Sprintf("%d", 3000+i)
			code, _ := p.call("POST", "/api/v1/extensions", map[string]any{"number": number, "name": "E" + number, "password": "x"})
			if code == 0 {
				return // ringd is gone
			}
			if code == 201 {
				mu.Lock()
				acked = append(acked, number)
				mu.Unlock()
			}
		}
	}()
	time.Sleep(700 * time.Millisecond)
	p.kill()
	<-done
	mu.Lock()
	want := append([]string(nil), acked...)
	mu.Unlock()
	if len(want) < 5 {
		t.Fatalf("only %d writes acknowledged before the kill", len(want))
	}

	q := start(t, cfg)
	q.sip, q.api = sipAddr, apiURL
	have := map[string]bool{}
	for skip := 0; ; skip += 100 {
		code, l := q.call("GET", fmt.Sprintf("/api/v1/extensions?skip=%d&top=100", skip), nil)
		if code != 200 {
			t.Fatalf("list after restart: %d %v", code, l)
		}
		items := l["items"].([]any)
		for _, it := range items {
			have[it.(map[string]any)["number"].(string)] = true
		}
		if len(items) < 100 {
			break
		}
	}
	for _, n := range want {
		if !have[n] {
			t.Errorf("extension %s was acknowledged (201) but is gone after SIGKILL", n)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL, all present after restart", len(want))
	if code, l := q.call("GET", "/api/v1/registrations", nil); code != 200 || l["count"] != 1.0 {
		t.Errorf("the phone's registration did not survive the restart: %d %v", code, l)
	}
}

// TestSequentialRingSetThroughTheAPIRings: settings and a criterion PUT and
// POSTed through the admin API change how the next call to the extension
// rings: the extension for base_ring_time, then the next number.
func TestSequentialRingSetThroughTheAPIRings(t *testing.T) {
	cfg, sipAddr, apiURL := e2eConfig(t, filepath.Join(t.TempDir(), "ringd.db"))
	p := start(t, cfg)
	p.sip, p.api = sipAddr, apiURL
	if code, out := p.call("POST", "/api/v1/extensions", map[string]any{"number": "1002", "name": "Bob", "password": "secret3"}); code != 201 {
		t.Fatalf("create 1002: %d %v", code, out)
	}
	if code, out := p.call("PUT", "/api/v1/extensions/1001/sequential_ring", map[string]any{"enabled": true, "ring_base_first": true,
		"base_ring_time": 1, "numbers": []any{map[string]any{"number": "1002", "ring_time": 5}}}); code != 200 {
		t.Fatalf("sequential ring: %d %v", code, out)
	}
	if code, out := p.call("POST", "/api/v1/extensions/1001/sequential_ring/criteria", map[string]any{"calls_from": "ANY_PHONE_NUMBER", "ring_enabled": true}); code != 201 {
		t.Fatalf("criterion: %d %v", code, out)
	}
	alice, bob := siptest.NewAgent(t, "1001"), siptest.NewAgent(t, "1002")
	for _, m := range []struct {
		a  *siptest.Agent
		pw string
	}{{alice, "secret1"}, {bob, "secret3"}} {
		if res := m.a.Register(p.sip, m.pw, 600); res.StatusCode != 200 {
			t.Fatalf("register %s: %d", m.a.Ext, res.StatusCode)
		}
	}
	alice.SetBehaviour(siptest.RingForever)
	start := time.Now()
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), p.sip, "1001")
	alice.WaitInvite(3 * time.Second)
	bob.WaitInvite(3 * time.Second)
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("1002 rang %v after the call came, before 1001's base_ring_time (1 s) was over", d)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 1002's 200", code)
	}
	// ringd cancelled 1001 before ringing 1002; its agent may still be
	// handling the CANCEL when the 200 reaches the caller.
	cancels := 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && cancels == 0; time.Sleep(10 * time.Millisecond) {
		_, cancels, _, _ = alice.Counts()
	}
	if cancels != 1 {
		t.Errorf("1001 got %d CANCELs, want 1", cancels)
	}
	call.AckAndBye(t)
}
