//go:build cluster

package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/cluster/clustertest"
	"github.com/ringd/ringd/sip/siptest"
)

// One PostgreSQL server for the whole run (a database per test), started
// by the first test that needs it; one Redis per test; three ringd
// processes per test.

var pg struct {
	once sync.Once
	srv  *clustertest.Postgres
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pg.srv != nil {
		if err := pg.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test PostgreSQL:", err)
		}
	}
	ringdtest.Cleanup()
	os.Exit(code)
}

func postgres(t testing.TB) *clustertest.Postgres {
	t.Helper()
	pg.once.Do(func() { pg.srv, pg.err = clustertest.NewPostgres() })
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	return pg.srv
}

const (
	token  = "cluster-token"
	domain = "ringd.local"
)

// nodeIPs are the nodes' loopback addresses; phones and callers run on
// 127.0.0.1.
var nodeIPs = []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}

// provisioning is every test's extensions and groups (passwords pwNUMBER).
const provisioning = `extensions:
  - { number: "1001", name: P1001, password: pw1001 }
  - { number: "1002", name: P1002, password: pw1002 }
  - { number: "1003", name: P1003, password: pw1003 }
  - { number: "1005", name: P1005, password: pw1005 }
  - { number: "1101", name: L1101, password: pw1101 }
  - { number: "1102", name: L1102, password: pw1102 }
  - { number: "1103", name: L1103, password: pw1103 }
  - { number: "1104", name: L1104, password: pw1104 }
  - { number: "1201", name: R1201, password: pw1201 }
  - { number: "2000", name: Caller, password: pw2000 }
ring_groups:
  - { number: "6000", name: One, strategy: ring_all, ring_time: 5, members: [{ extension: "1001" }] }
  - { number: "6001", name: Two, strategy: ring_all, ring_time: 5, members: [{ extension: "1002" }] }
  - { number: "6005", name: Five, strategy: ring_all, ring_time: 5, members: [{ extension: "1005" }] }
  - { number: "6010", name: Hunt, strategy: prioritized_hunt, ring_time: 5, skip_busy: true, members: [{ extension: "1001" }, { extension: "1002" }] }
  - { number: "6020", name: Cyclic, strategy: cyclic_hunt, ring_time: 5, members: [{ extension: "1001" }, { extension: "1002" }, { extension: "1003" }] }
  - { number: "6040", name: Load, strategy: cyclic_hunt, ring_time: 5, skip_busy: false, members: [{ extension: "1101" }, { extension: "1102" }, { extension: "1103" }, { extension: "1104" }] }
  - { number: "6050", name: Redis, strategy: ring_all, ring_time: 5, members: [{ extension: "1201" }] }
`

// node is one ringd process of the cluster.
type node struct {
	name string
	ip   string
	sip  string // ip:port, UDP and TCP
	api  string // http://ip:port
	cfg  string
	pid  int
}

// cluster is a running cluster: its Redis, its database, its nodes.
type cluster struct {
	t     *testing.T
	redis *clustertest.Redis
	store string
	nodes []*node
}

// startCluster starts Redis, a database and n nodes (n <= 3) and waits
// until every node lists every other.
func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	c := &cluster{t: t, redis: clustertest.StartRedis(t), store: postgres(t).NewDatabase(t)}
	if m := os.Getenv("CLUSTER_REDIS_MONITOR"); m != "" { // every command Redis gets, with its time, to this file
		mon := exec.Command("redis-cli", "-p", strconv.Itoa(c.redis.Port), "monitor")
		f, err := os.Create(m)
		if err != nil {
			t.Fatal(err)
		}
		mon.Stdout = f
		if err := mon.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = mon.Process.Kill(); _ = mon.Wait(); f.Close() })
	}
	dir := t.TempDir()
	trusted := append([]string{"127.0.0.1"}, nodeIPs...)
	for i := range n {
		nd := &node{name: "node" + strconv.Itoa(i+1), ip: nodeIPs[i]}
		port := freePort(t, nd.ip, true)
		nd.sip = net.JoinHostPort(nd.ip, strconv.Itoa(port))
		httpAddr := net.JoinHostPort(nd.ip, strconv.Itoa(freePort(t, nd.ip, false)))
		nd.api = "http://" + httpAddr
		nd.cfg = filepath.Join(dir, nd.name+".yaml")
		yaml := fmt.Sprintf(`sip:
  listen: ["udp://%[1]s", "tcp://%[1]s"]
  domain: %[2]s
  trusted: [%[3]s]
http:
  listen: %[4]s
  tokens: [%[5]q]
store: %[6]q
cluster: { node: %[7]s, redis: %[8]q }
log: { level: info, format: text }
%[9]s`, nd.sip, domain, `"`+strings.Join(trusted, `", "`)+`"`, httpAddr, token, c.store, nd.name, c.redis.URL, provisioning)
		if err := os.WriteFile(nd.cfg, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		nd.pid = ringdtest.Serve(t, nd.cfg)
		c.nodes = append(c.nodes, nd)
	}
	var names []string
	for _, nd := range c.nodes {
		names = append(names, nd.name)
	}
	for _, nd := range c.nodes {
		eventually(t, 10*time.Second, nd.name+" lists "+strings.Join(names, ", "), func() bool {
			got, err := c.members(nd)
			return err == nil && strings.Join(got, ",") == strings.Join(names, ",")
		})
	}
	return c
}

// stop stops the nodes (SIGTERM) and Redis before the test ends, so that
// they cost nothing while the test goes on.
func (c *cluster) stop() {
	c.t.Helper()
	for _, nd := range c.nodes {
		_ = syscall.Kill(nd.pid, syscall.SIGTERM)
	}
	for _, nd := range c.nodes {
		eventually(c.t, 40*time.Second, nd.name+" stopped", func() bool {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", nd.pid))
			return err != nil || strings.Contains(string(b), ") Z ")
		})
	}
	c.redis.Stop()
}

// freePort is a port free on ip for TCP (and UDP too when both).
func freePort(t testing.TB, ip string, both bool) int {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if !both {
			l.Close()
			return port
		}
		u, err := net.ListenPacket("udp", net.JoinHostPort(ip, strconv.Itoa(port)))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatalf("no port free for UDP and TCP on %s", ip)
	return 0
}

// kill kills a node with SIGKILL (its Serve cleanup then finds it gone).
func (c *cluster) kill(nd *node) {
	c.t.Helper()
	if err := syscall.Kill(nd.pid, syscall.SIGKILL); err != nil {
		c.t.Fatalf("kill -9 %s: %v", nd.name, err)
	}
}

// members is the names GET /api/v1/cluster on nd lists, sorted.
func (c *cluster) members(nd *node) ([]string, error) {
	code, body, err := apiCall(nd, "GET", "/api/v1/cluster", "")
	if err != nil {
		return nil, err
	}
	if code != 200 {
		return nil, fmt.Errorf("GET /api/v1/cluster: %d %s", code, body)
	}
	var v struct {
		Nodes []struct {
			Name string `json:"name"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	var names []string
	for _, n := range v.Nodes {
		names = append(names, n.Name)
	}
	sortStrings(names)
	return names, nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

// apiCall sends a request to a node's admin API with the token.
func apiCall(nd *node, method, path, body string) (int, []byte, error) {
	return apiRequest(httpClient, nd, method, path, body)
}

// apiCallWithin is apiCall (no body) that waits up to d for the answer.
func apiCallWithin(nd *node, method, path string, d time.Duration) (int, []byte, error) {
	return apiRequest(&http.Client{Timeout: d}, nd, method, path, "")
}

func apiRequest(client *http.Client, nd *node, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, nd.api+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// registered reports whether nd's registrations view has a contact of ext.
func registered(nd *node, ext string) bool {
	code, body, err := apiCall(nd, "GET", "/api/v1/registrations", "")
	if err != nil || code != 200 {
		return false
	}
	var v struct {
		Items []struct {
			Extension string `json:"extension"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	for _, r := range v.Items {
		if r.Extension == ext {
			return true
		}
	}
	return false
}

// waitRegistered waits until every node sees a contact of each extension.
func (c *cluster) waitRegistered(exts ...string) {
	c.t.Helper()
	for _, nd := range c.nodes {
		for _, ext := range exts {
			eventually(c.t, 5*time.Second, nd.name+" sees "+ext+" registered", func() bool { return registered(nd, ext) })
		}
	}
}

// metric is the sum of a node's series of name whose labels include each
// of labels (like `group="6010"`); -1 when /metrics cannot be read.
func metric(nd *node, name string, labels ...string) float64 {
	res, err := httpClient.Get(nd.api + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	sum := 0.0
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if rest == "" || (rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(rest, l) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		f := strings.Fields(rest[strings.LastIndexByte(rest, '}')+1:])
		if len(f) == 0 {
			continue
		}
		if v, err := strconv.ParseFloat(f[0], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// eventually polls cond every 10 ms until it holds, failing after d.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// phone is a registered phone agent (UDP, on 127.0.0.1) that answers at
// once.
func phone(t *testing.T, ext string, at *node) *siptest.Agent {
	t.Helper()
	a := siptest.NewAgent(t, ext)
	if res := a.Register(at.sip, "pw"+ext, 600); res.StatusCode != 200 {
		t.Fatalf("register %s through %s: %d", ext, at.name, res.StatusCode)
	}
	return a
}

// invites is how many INVITEs a phone has had.
func invites(a *siptest.Agent) int { n, _, _, _ := a.Counts(); return n }

// callee is where a call goes: number at a node (the Request-URI names
// the node), or at the domain through an outbound proxy (a Route).
type callee struct {
	number string
	node   string // host:port of the node, or ""
	proxy  string // host:port of the outbound proxy (Route), or ""
}

func (c callee) uri() sip.Uri {
	if c.node != "" {
		host, port, _ := net.SplitHostPort(c.node)
		p, _ := strconv.Atoi(port)
		return sip.Uri{Scheme: "sip", User: c.number, Host: host, Port: p}
	}
	return sip.Uri{Scheme: "sip", User: c.number, Host: domain}
}

// outcome is how a call went.
type outcome struct {
	code  int           // the INVITE's final status (0: none)
	setup time.Duration // INVITE to its final response
	err   error         // what went wrong (nil: answered, ACKed, hung up with a 200)
}

// call places a call from caller a to to, and once answered ACKs it,
// holds it for hold and hangs up (BYE, which must get a 200). It never
// fails the test: the outcome says what happened.
func call(a *siptest.Agent, to callee, hold time.Duration) outcome {
	return callHolding(a, to, func() { time.Sleep(hold) })
}

// callHolding is call with the hold in a function: the call is hung up
// when it returns.
func callHolding(a *siptest.Agent, to callee, hold func()) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dc := sipgo.NewDialogClientCache(a.Client, sip.ContactHeader{Address: a.Contact()})
	from := &sip.FromHeader{DisplayName: "Caller " + a.Ext, Address: sip.Uri{Scheme: "sip", User: a.Ext, Host: domain}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	toh := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: to.number, Host: domain}, Params: sip.NewParams()}
	hs := []sip.Header{from, toh, sip.NewHeader("Content-Type", "application/sdp")}
	if to.proxy != "" {
		hs = append(hs, routeTo(to.proxy))
	}
	start := time.Now()
	sess, err := dc.Invite(ctx, to.uri(), siptest.SDP(a.Port), hs...)
	if err != nil {
		return outcome{err: fmt.Errorf("INVITE: %w", err)}
	}
	defer sess.Close()
	err = sess.WaitAnswer(ctx, sipgo.AnswerOptions{})
	o := outcome{setup: time.Since(start)}
	if sess.InviteResponse != nil {
		o.code = sess.InviteResponse.StatusCode
	}
	var de *sipgo.ErrDialogResponse
	if errors.As(err, &de) {
		o.code = de.Res.StatusCode
	}
	if err != nil {
		o.err = fmt.Errorf("INVITE %s: %d %w", to.number, o.code, err)
		return o
	}
	if err := sess.Ack(ctx); err != nil {
		o.err = fmt.Errorf("ACK: %w", err)
		return o
	}
	hold()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sess.Bye(ctx); err != nil {
		o.err = fmt.Errorf("BYE: %w", err)
	}
	return o
}

// routeTo is a loose Route to an outbound proxy.
func routeTo(hostport string) *sip.RouteHeader {
	host, port, _ := net.SplitHostPort(hostport)
	p, _ := strconv.Atoi(port)
	u := sip.Uri{Scheme: "sip", Host: host, Port: p, UriParams: sip.NewParams()}
	u.UriParams.Add("lr", "")
	return &sip.RouteHeader{Address: u}
}

// mustCall places a call that must be answered and hung up cleanly.
func mustCall(t *testing.T, a *siptest.Agent, to callee, hold time.Duration) outcome {
	t.Helper()
	o := call(a, to, hold)
	if o.err != nil {
		t.Fatalf("call to %s: %v", to.number, o.err)
	}
	return o
}

// load places calls at rate for d, from a pool of callers, each to the
// callee pick(i) gives; it returns the outcomes once every call ended.
func load(t *testing.T, callers []*siptest.Agent, rate float64, d time.Duration, hold time.Duration, pick func(i int) callee) []outcome {
	t.Helper()
	n := int(rate * d.Seconds())
	out := make([]outcome, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = call(callers[i%len(callers)], pick(i), hold)
		}()
	}
	wg.Wait()
	return out
}

// failures lists the calls that did not go through cleanly.
func failures(out []outcome) []string {
	var f []string
	for i, o := range out {
		if o.err != nil {
			f = append(f, fmt.Sprintf("call %d: %v", i, o.err))
		}
	}
	return f
}

// callers makes n caller agents (ext 2000, trusted: no credentials).
func callers(t *testing.T, n int) []*siptest.Agent {
	var cs []*siptest.Agent
	for range n {
		cs = append(cs, siptest.NewAgent(t, "2000"))
	}
	return cs
}

// registerVia registers a phone at the domain through an outbound proxy
// (a Route header), as a phone behind Kamailio does.
func registerVia(t *testing.T, a *siptest.Agent, proxy string) {
	t.Helper()
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: domain})
	aor := sip.Uri{Scheme: "sip", User: a.Ext, Host: domain}
	req.AppendHeader(&sip.ToHeader{Address: aor})
	from := &sip.FromHeader{Address: aor, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ContactHeader{Address: a.Contact()})
	req.AppendHeader(sip.NewHeader("Expires", "600"))
	req.AppendHeader(routeTo(proxy))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := a.Client.Do(ctx, req)
	if err == nil && res.StatusCode == 401 {
		res, err = a.Client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: a.Ext, Password: "pw" + a.Ext})
	}
	if err != nil {
		t.Fatalf("REGISTER %s through %s: %v", a.Ext, proxy, err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("REGISTER %s through %s: %d", a.Ext, proxy, res.StatusCode)
	}
}
