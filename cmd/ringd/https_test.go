package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/siptest"
)

// certOf reads the certificate of a PEM file.
func certOf(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s holds no PEM block", file)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAdminAPIOverHTTPS: with http.tls the API and the console speak
// HTTPS only (a plain HTTP request is refused), the console's cookies are
// Secure, and SIGHUP takes a new certificate at the next handshake.
func TestAdminAPIOverHTTPS(t *testing.T) {
	dir := t.TempDir()
	cert, key := siptest.WriteCert(t, dir, "first")
	first := certOf(t, cert)
	sp, hp := freePort(t), freePort(t)
	cfg := writeFile(t, `sip:
  listen: ["udp://127.0.0.1:`+sp+`"]
  domain: ringd.local
http:
  listen: 127.0.0.1:`+hp+`
  tokens: ["e2e"]
  tls: { cert: "`+cert+`", key: "`+key+`" }
store: "memory:"
log: { level: info, format: json }
extensions:
  - { number: "1001", name: Alice, password: secret1 }
`)
	p := start(t, cfg)
	if !strings.Contains(p.logs.String(), `"https":true`) {
		t.Errorf("the start log does not say HTTPS:\n%s", p.logs.String())
	}
	served := func() *x509.Certificate {
		conn, err := tls.Dial("tcp", "127.0.0.1:"+hp, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0]
	}
	roots := x509.NewCertPool()
	roots.AddCert(first)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", "https://127.0.0.1:"+hp+"/api/v1/extensions", nil)
	req.Header.Set("Authorization", "Bearer e2e")
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("HTTPS request: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Alice") || strings.Contains(string(body), "secret1") {
		t.Errorf("GET /api/v1/extensions over HTTPS: %d %s", res.StatusCode, body)
	}
	res, err = client.Get("https://127.0.0.1:" + hp + "/ui/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if !c.Secure {
			t.Errorf("console cookie %s is not Secure over HTTPS", c.Name)
		}
	}
	if len(res.Cookies()) == 0 {
		t.Error("the sign-in page set no cookie")
	}
	res, err = http.Get("http://127.0.0.1:" + hp + "/readyz")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Errorf("plain HTTP to the HTTPS port: %d, want 400", res.StatusCode)
		}
	}

	// A new certificate in the same files, SIGHUP: the next handshake has it.
	if got := served(); !got.Equal(first) {
		t.Fatalf("served %s, want the first certificate", got.Subject)
	}
	cert2, key2 := siptest.WriteCert(t, dir, "second") // then put in place of the first
	if err := os.Rename(cert2, cert); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(key2, key); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(5 * time.Second)
	for served().Subject.CommonName != "second" {
		if time.Now().After(deadline) {
			t.Fatalf("still the first certificate 5 s after SIGHUP:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
