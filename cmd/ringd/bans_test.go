package main

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBansSurviveARestart: a source that floods is banned; the ban is
// still there after ringd restarts on the same store; once lifted through
// the API it stays lifted after the next restart.
func TestBansSurviveARestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringd.db")
	sp, hp := freePort(t), freePort(t)
	cfg := writeFile(t, `sip:
  listen: ["udp://127.0.0.1:`+sp+`"]
  domain: ringd.local
  protection: { requests: 5, window: 60, ban: 600 }
http:
  listen: 127.0.0.1:`+hp+`
  tokens: ["e2e"]
store: "sqlite:`+db+`"
log: { level: info, format: json }
extensions:
  - { number: "1001", name: Alice, password: secret1 }
`)
	api := "http://127.0.0.1:" + hp
	p := start(t, cfg)
	p.api = api

	// 127.0.0.1 is loopback but not trusted here: 127.0.0.77 floods.
	conn, err := net.ListenPacket("udp", "127.0.0.77:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	to, _ := net.ResolveUDPAddr("udp", "127.0.0.1:"+sp)
	for i := range 10 {
		msg := fmt.Sprintf("OPTIONS sip:ringd.local SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKflood%d\r\nFrom: <sip:x@ringd.local>;tag=%d\r\n"+
			"To: <sip:ringd.local>\r\nCall-ID: flood-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", conn.LocalAddr(), i, i, i)
		if _, err := conn.WriteTo([]byte(msg), to); err != nil {
			t.Fatal(err)
		}
	}
	banned := func(p *process) bool {
		_, out := p.call("GET", "/api/v1/bans", nil)
		items, _ := out["items"].([]any)
		for _, it := range items {
			if it.(map[string]any)["source"] == "127.0.0.77" {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(5 * time.Second)
	for !banned(p) {
		if time.Now().After(deadline) {
			t.Fatalf("127.0.0.77 not banned after 10 requests:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop() // the persister writes what is queued before ringd exits

	p = start(t, cfg)
	p.api = api
	if !banned(p) {
		t.Fatalf("the ban did not survive the restart:\n%s", p.logs.String())
	}
	if !strings.Contains(p.logs.String(), "bans restored") {
		t.Errorf("no 'bans restored' in the log")
	}
	if code, _ := p.call("DELETE", "/api/v1/bans/127.0.0.77", nil); code != 204 {
		t.Fatalf("lift: %d", code)
	}
	p.stop()

	p = start(t, cfg)
	p.api = api
	if banned(p) {
		t.Error("a lifted ban came back after a restart")
	}
}
