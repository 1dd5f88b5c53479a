package torture

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/siptest"
)

// tortureDir is the RFC 4475 messages, from bench/torture/ (the repo
// root's ../shared/testdata/rfc4475).
const tortureDir = "../../../shared/testdata/rfc4475"

func loadTorture(t *testing.T) []TortureMessage {
	t.Helper()
	msgs, err := LoadTorture(tortureDir)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func tortureMsg(t *testing.T, msgs []TortureMessage, file string) TortureMessage {
	t.Helper()
	for _, m := range msgs {
		if m.File == file {
			return m
		}
	}
	t.Fatalf("%s is not in MANIFEST.tsv", file)
	return TortureMessage{}
}

// The manifest names 49 messages; the raw helpers read what sipgo reads.
func TestTortureMessages(t *testing.T) {
	msgs := loadTorture(t)
	if len(msgs) != 49 {
		t.Fatalf("%d messages, want 49", len(msgs))
	}
	ports := map[string]int{"wsinv.dat": 5060, "quotbal.dat": 5050, "mpart01.dat": 5070, "baddn.dat": 5060, "insuf.dat": 5060}
	for file, want := range ports {
		if got, err := responsePort(tortureMsg(t, msgs, file).Raw); err != nil || got != want {
			t.Errorf("%s: response port %d (%v), want %d", file, got, err, want)
		}
	}
	if got, err := responsePort([]byte("OPTIONS sip:a@b SIP/2.0\r\nv: SIP / 2.0 / UDP [::1]:5999;rport=6001\r\n\r\n")); err != nil || got != 6001 {
		t.Errorf("compact Via with rport=6001: port %d (%v)", got, err)
	}
	same := func(a, b string) bool {
		return txKey(tortureMsg(t, msgs, a).Raw) == txKey(tortureMsg(t, msgs, b).Raw)
	}
	for _, pair := range [][2]string{{"baddn.dat", "badvers.dat"}, {"cparam01.dat", "cparam02.dat"}, {"baddate.dat", "mismatch01.dat"}} {
		if !same(pair[0], pair[1]) {
			t.Errorf("%s and %s: want one transaction key", pair[0], pair[1])
		}
	}
	if same("zeromf.dat", "lwsdisp.dat") {
		t.Error("zeromf.dat and lwsdisp.dat: want two transaction keys")
	}
	if k := txKey(tortureMsg(t, msgs, "bext01.dat").Raw); !strings.Contains(k, "|5061|") {
		t.Errorf("bext01.dat (Via TLS, no port): key %q, want port 5061", k)
	}
	if got := tortureMsg(t, msgs, "intmeth.dat").NamedCodes(); !slices.Equal(got, []int{501, 405}) {
		t.Errorf("intmeth.dat names %v, want [501 405]", got)
	}
	if got := tortureMsg(t, msgs, "bcast.dat").NamedCodes(); len(got) != 0 {
		t.Errorf("bcast.dat names %v, want none (255.255.255.255 is no code)", got)
	}
	if got := callIDs(tortureMsg(t, msgs, "multi01.dat").Raw); len(got) != 2 {
		t.Errorf("multi01.dat: Call-IDs %q, want 2", got)
	}
}

// A 6000 copy differs from its message in the Request-URI's user only.
func TestTortureVariant(t *testing.T) {
	msgs := loadTorture(t)
	n := 0
	for _, m := range msgs {
		v, ok := m.Variant()
		if !ok {
			continue
		}
		n++
		if len(v) != len(m.Raw) || !bytes.Equal(bytes.Replace(v, []byte(variantGroup), []byte(variantUser), 1), m.Raw) {
			t.Errorf("%s: the copy differs beyond sip:user@", m.File)
		}
		first, _, _ := bytes.Cut(v, []byte("\n"))
		if !bytes.Contains(first, []byte(variantGroup)) {
			t.Errorf("%s: the copy's first line %q does not name 6000", m.File, first)
		}
	}
	if n != 22 {
		t.Errorf("%d copies, want 22", n)
	}
	for _, f := range []string{"ltgtruri.dat", "wsinv.dat", "bcast.dat", "cparam01.dat"} {
		if _, ok := tortureMsg(t, msgs, f).Variant(); ok {
			t.Errorf("%s: has a copy, want none", f)
		}
	}
}

// Every message and copy has a row, every row a message, every difference
// a reason.
func TestTortureTableCoversManifest(t *testing.T) {
	want := map[string]bool{}
	for _, m := range loadTorture(t) {
		want[rowKey(m.File, false)] = true
		if _, ok := m.Variant(); ok {
			want[rowKey(m.File, true)] = true
		}
	}
	for key := range want {
		if _, ok := TortureTable[key]; !ok {
			t.Errorf("no row for %q", key)
		}
	}
	for key, row := range TortureTable {
		if !want[key] {
			t.Errorf("row %q names no message", key)
		}
		wants := []TortureWant{row.UDP, row.TCP}
		for _, w := range []*TortureWant{row.TLS, row.WS} {
			if w != nil {
				wants = append(wants, *w)
			}
		}
		for _, w := range wants {
			if w.Codes == "" || (w.Verdict == Differs && w.Why == "") {
				t.Errorf("row %q: %+v: codes and, for a difference, a reason are required", key, w)
			}
		}
	}
}

// freeSIPPort is a port free for both UDP and TCP on 127.0.0.1 a moment ago.
func freeSIPPort(t *testing.T) int {
	t.Helper()
	for range 20 {
		port := freeUDPPorts(t, 1)[0]
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no port free for UDP and TCP")
	return 0
}

// tortureSource is a 127/8 address whose torture ports (the messages'
// response ports) are free, so that two runs on one machine do not
// collide; 127.4.75.1, run.sh's, is left out.
func tortureSource(t *testing.T) string {
	t.Helper()
	var ports []int
	for _, m := range loadTorture(t) {
		if p, err := responsePort(m.Raw); err == nil && !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	for x := 2; x < 250; x++ {
		ip := fmt.Sprintf("127.4.75.%d", x)
		var conns []net.PacketConn
		ok := true
		for _, p := range ports {
			c, err := net.ListenPacket("udp", fmt.Sprintf("%s:%d", ip, p))
			if err != nil {
				ok = false
				break
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
		if ok {
			return ip
		}
	}
	t.Fatal("no free torture source address in 127.4.75.0/24")
	return ""
}

// tortureConfig is ringd.yaml for a torture run: UDP and TCP on port, TLS
// on tlsPort, WebSocket on wsPort (cert and key its certificate), the
// domain example.com with the messages' other domains as aliases (as
// TortureTable assumes), 1001 at the member's port, ring group 6000
// ring_all over 1001. run.sh's case_torture writes the same.
func tortureConfig(port, tlsPort, wsPort, memberPort int, cert, key string) string {
	aliases := "  aliases: [example.org, example.net, company.com, chair-dnrc.example.com, registrar.example.com]\n"
	return fmt.Sprintf(`sip:
  listen: ["udp://127.0.0.1:%[1]d", "tcp://127.0.0.1:%[1]d", "tls://127.0.0.1:%[4]d", "ws://127.0.0.1:%[5]d"]
  tls: { cert: %[6]q, key: %[7]q }
  domain: example.com
%[2]s  trusted: ["127.0.0.0/8"]
store: "memory:"
log: { level: info, format: text }
extensions:
  - { number: "1001", name: M, password: p1001, contact: "sip:1001@127.0.0.1:%[3]d" }
ring_groups:
  - { number: "6000", name: Torture, strategy: ring_all, ring_time: 5, members: [{ extension: "1001" }] }
`, port, aliases, memberPort, tlsPort, wsPort, cert, key)
}

// Every RFC 4475 message over UDP, TCP, TLS and WebSocket against a real
// ringd: it stays up and answers OPTIONS after each, nothing invalid is
// answered 2xx or reaches the member, and every answer is the one in
// TortureTable.
func TestTortureAgainstRingd(t *testing.T) {
	port, memberPort := freeSIPPort(t), freeUDPPorts(t, 1)[0]
	tlsPort, wsPort := freeSIPPort(t), freeSIPPort(t)
	cert, key := siptest.WriteCert(t, t.TempDir(), "example.com")
	cfgFile := filepath.Join(t.TempDir(), "ringd.yaml")
	if err := os.WriteFile(cfgFile, []byte(tortureConfig(port, tlsPort, wsPort, memberPort, cert, key)), 0o644); err != nil {
		t.Fatal(err)
	}
	pid := serveRingd(t, cfgFile)

	cfg := DefaultTortureConfig
	cfg.Dir = tortureDir
	cfg.Target = fmt.Sprintf("127.0.0.1:%d", port)
	cfg.TLSTarget = fmt.Sprintf("127.0.0.1:%d", tlsPort)
	cfg.WSTarget = fmt.Sprintf("127.0.0.1:%d", wsPort)
	cfg.Transports = []string{"udp", "tcp", "tls", "ws"}
	cfg.Member = fmt.Sprintf("127.0.0.1:%d", memberPort)
	cfg.Source = tortureSource(t)
	cfg.PID = pid
	out := &lockedBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := RunTorture(ctx, cfg, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !rep.OK() {
		t.Errorf("the torture run failed:\n%s", out.String())
	}
	t.Log(rep.Summary())

	byLabel := map[string]*TortureResult{}
	for _, r := range rep.Results {
		byLabel[r.Label()] = r
	}
	if len(byLabel) != 4*(49+22) {
		t.Errorf("%d sends, want %d (49 messages and 22 copies, over UDP, TCP, TLS and WebSocket)", len(byLabel), 4*(49+22))
	}
	for file, code := range map[string]string{"zeromf.dat": "483", "badvers.dat": "505", "unkscm.dat": "416",
		"bext01.dat": "420", "insuf.dat": "400", "multi01.dat": "400", "mismatch01.dat": "400"} {
		for _, tp := range []string{"udp", "tcp", "tls", "ws"} {
			if r := byLabel[file+" "+tp]; r == nil || r.Outcome() != code {
				t.Errorf("%s over %s: got %v, want %s", file, tp, r, code)
			}
		}
	}
	// Request lines and headers sipgo cannot parse: ringd's own stateless
	// answer (UDP).
	for file, code := range map[string]string{"ltgtruri.dat": "400", "lwsstart.dat": "400", "trws.dat": "400",
		"novelsc.dat": "416", "intmeth.dat": "501", "esc02.dat": "501", "badinv01.dat": "400", "clerr.dat": "400",
		"ncl.dat": "400", "scalar02.dat": "400", "quotbal.dat": "400", "badaspec.dat": "400"} {
		if r := byLabel[file+" udp"]; r == nil || r.Outcome() != code {
			t.Errorf("%s over udp: got %v, want %s", file, r, code)
		}
	}
	for _, r := range rep.Results {
		if r.ProbeCode != 200 || !r.Alive {
			t.Errorf("%s: OPTIONS after it %d, ringd alive %v", r.Label(), r.ProbeCode, r.Alive)
		}
		if r.Msg.mustNotPass() && (len(r.Member) > 0 || r.got2xx()) && r.Allowed == "" {
			t.Errorf("%s (%s) passed: member got %v, ringd said %s", r.Label(), r.Msg.Class, r.Member, r.Said())
		}
		if r.Msg.IsResponse() && len(r.Replies) > 0 {
			t.Errorf("%s: a response was answered: %s", r.Label(), r.Said())
		}
	}
	if len(rep.StrayAck) > 0 {
		t.Errorf("a stray ACK was answered: %s", saidAll(rep.StrayAck, ""))
	}
	if len(rep.Cancel) != 1 || rep.Cancel[0].Code != 481 {
		t.Errorf("an unmatched CANCEL got %s, want 481", saidAll(rep.Cancel, "nothing"))
	}
	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "| inv2543.dat |") {
		t.Errorf("markdown (%v):\n%s", err, md.String())
	}
}
