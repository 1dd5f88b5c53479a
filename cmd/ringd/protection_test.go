package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFloodBanFromTheConfigShowsInTheAPI: sip.protection from the file
// bans a flooding source (an untrusted 127.0.0.x address), GET
// /api/v1/bans lists it, DELETE lifts it, /metrics counts it.
func TestFloodBanFromTheConfigShowsInTheAPI(t *testing.T) {
	cfg, sipAddr, apiURL := e2eConfig(t, filepath.Join(t.TempDir(), "ringd.db"))
	text := strings.Replace(readFile(t, cfg), `trusted: ["127.0.0.0/8"]`,
		`trusted: ["127.0.0.1/32"]
  protection: { requests: 5, window: 60, ban: 120 }`, 1)
	p := start(t, writeFile(t, text))
	p.sip, p.api = sipAddr, apiURL

	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP("127.0.0.21")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	to, _ := net.ResolveUDPAddr("udp", sipAddr)
	answered := 0
	for i := range 8 {
		msg := "OPTIONS sip:ringd.local SIP/2.0\r\nVia: SIP/2.0/UDP " + c.LocalAddr().String() + ";branch=z9hG4bK-f" + strconv.Itoa(i) +
			";rport\r\nFrom: <sip:x@ringd.local>;tag=f\r\nTo: <sip:ringd.local>\r\nCall-ID: flood" + strconv.Itoa(i) +
			"\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
		_, _ = c.WriteToUDP([]byte(msg), to)
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		buf := make([]byte, 4096)
		if n, err := c.Read(buf); err == nil && strings.HasPrefix(string(buf[:n]), "SIP/2.0 200") {
			answered++
		}
	}
	if answered != 5 {
		t.Fatalf("%d of 8 answered, want the first 5", answered)
	}
	code, bans := p.call("GET", "/api/v1/bans", nil)
	items, _ := bans["items"].([]any)
	if code != 200 || len(items) != 1 || items[0].(map[string]any)["source"] != "127.0.0.21" || items[0].(map[string]any)["reason"] != "flood" {
		t.Fatalf("GET /bans: %d %v", code, bans)
	}
	if !strings.Contains(p.text("/metrics"), `ringd_bans_total{reason="flood"} 1`) {
		t.Error("/metrics has no ringd_bans_total{reason=\"flood\"} 1")
	}
	if code, _ := p.call("DELETE", "/api/v1/bans/127.0.0.21", nil); code != 204 {
		t.Fatalf("DELETE /bans/127.0.0.21: %d", code)
	}
	if code, _ := p.call("DELETE", "/api/v1/bans/127.0.0.21", nil); code != 404 {
		t.Errorf("DELETE of a source not banned: %d, want 404", code)
	}
	if code, body := p.call("DELETE", "/api/v1/bans/not-an-ip", nil); code != 400 || !strings.Contains(strings.ToLower(jsonText(body)), "source") {
		t.Errorf("DELETE /bans/not-an-ip: %d %v", code, body)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
