package sip

import (
	"context"
	"crypto/tls"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

// tlsRingd serves a group 6000 of 1001 on UDP plus TLS, WS and WSS, with a
// throwaway certificate.
func tlsRingd(t *testing.T, tune ...func(*Settings)) (*testRingd, *transport.TLSFiles) {
	cert, key := siptest.WriteCert(t, t.TempDir(), "first")
	files := &transport.TLSFiles{Cert: cert, Key: key}
	tune = append([]func(*Settings){func(s *Settings) {
		s.TLS = files
		for _, n := range []string{"tls", "ws", "wss"} {
			s.Listen = append(s.Listen, transport.Listener{Network: n, Addr: "127.0.0.1:0"})
		}
	}}, tune...)
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}}, tune...)
	return r, files
}

// Phones on TLS, WebSocket (a browser writes a *.invalid Contact) and
// secure WebSocket register and are rung over their own connections; the
// caller's ACK and BYE reach them too.
func TestPhonesOnTLSAndWebSocketAreRung(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ network, contact string }{
		{"tls", "sip:1001@127.0.0.1:9;transport=tls"},
		{"ws", "sip:1001@df7jal23ls0d.invalid;transport=ws"},
		{"wss", "sip:1001@df7jal23ls0d.invalid;transport=wss"},
	} {
		t.Run(tc.network, func(t *testing.T) {
			t.Parallel()
			r, _ := tlsRingd(t)
			var contact sip.Uri
			if err := sip.ParseUri(tc.contact, &contact); err != nil {
				t.Fatal(err)
			}
			phone := siptest.NewStreamAgent(t, "1001", strings.ToUpper(tc.network), contact)
			if res := phone.Register(r.boundOn(tc.network), "pw1001", 600); res.StatusCode != 200 {
				t.Fatalf("register: %d", res.StatusCode)
			}
			b := r.loc.Bindings("1001", r.clock.Now())
			if len(b) != 1 || b[0].Transport != strings.ToUpper(tc.network) {
				t.Fatalf("binding %+v", b)
			}
			call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
			inv := phone.WaitInvite(3 * time.Second)
			if !strings.EqualFold(inv.Transport(), tc.network) {
				t.Errorf("INVITE came over %s", inv.Transport())
			}
			if code := call.Wait(t, 3*time.Second); code != 200 {
				t.Fatalf("call: %d", code)
			}
			call.AckAndBye(t)
			eventually(t, func() bool { _, _, acks, byes := phone.Counts(); return acks == 1 && byes == 1 })
		})
	}
}

// SIGHUP (Apply) reads the certificate files again: the next handshake
// presents the new certificate; files that do not load keep the old one.
func TestTLSCertificateReloads(t *testing.T) {
	t.Parallel()
	r, files := tlsRingd(t)
	subject := func() string {
		t.Helper()
		c, err := tls.Dial("tcp", r.boundOn("tls"), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if got := subject(); got != "first" {
		t.Fatalf("certificate %q", got)
	}
	next := *r.settings.Load()
	next.TLS = &transport.TLSFiles{Cert: files.Cert + ".missing", Key: files.Key}
	r.Apply(next)
	if got := subject(); got != "first" {
		t.Fatalf("after a bad reload: %q, want the old certificate kept", got)
	}
	cert, key := siptest.WriteCert(t, t.TempDir(), "second")
	next.TLS = &transport.TLSFiles{Cert: cert, Key: key}
	r.Apply(next)
	if got := subject(); got != "second" {
		t.Fatalf("after the reload: %q, want the new certificate", got)
	}
}

// Outbound rules send calls to numbers that are neither a group nor an
// extension out (strip, prefix, URI template); the calling extension is
// busy while it talks; a number no rule matches gets 404.
func TestOutboundCallsFollowTheFirstMatchingRule(t *testing.T) {
	t.Parallel()
	trunk := siptest.NewAgent(t, "trunk")
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "2000")}},
		func(s *Settings) {
			s.Outbound = []OutboundRule{
				{Pattern: regexp.MustCompile(`^00[0-9]+$`), Strip: 2, Prefix: "+", Dest: "sip:{number}@127.0.0.1:" + itoa(trunk.Port)},
				{Pattern: regexp.MustCompile(`^0[0-9]{6,15}$`), Strip: 1, Prefix: "33", Dest: "sip:{number}@127.0.0.1:" + itoa(trunk.Port)},
			}
		})
	caller := siptest.NewAgent(t, "1001")
	call := caller.Dial(context.Background(), r.addr, "0123456789")
	inv := trunk.WaitInvite(3 * time.Second)
	if inv.Recipient.User != "33123456789" {
		t.Errorf("trunk Request-URI %s; want 33123456789", inv.Recipient.String())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("outbound call: %d", code)
	}
	call.Ack(t)
	eventually(t, func() bool { return r.busy("1001") })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := call.Sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return !r.busy("1001") })

	call = caller.Dial(context.Background(), r.addr, "0044207")
	if inv := trunk.WaitInvite(3 * time.Second); inv.Recipient.User != "+44207" {
		t.Errorf("first rule: Request-URI %s; want +44207", inv.Recipient.String())
	}
	call.Wait(t, 3*time.Second)
	call.AckAndBye(t)
	if code := caller.Dial(context.Background(), r.addr, "12345").Wait(t, 3*time.Second); code != 404 {
		t.Errorf("a number no rule matches: %d, want 404", code)
	}
}
