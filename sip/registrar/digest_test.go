package registrar

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// registrarURI is the Request-URI of the tests' REGISTERs.
var registrarURI = sip.Uri{Scheme: "sip", Host: "ringd.local"}

// answer computes a phone's credentials for challenge value chal.
func answer(t *testing.T, chal, user, pw string) string {
	t.Helper()
	c, err := digest.ParseChallenge(chal)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(c, digest.Options{Method: "REGISTER", URI: "sip:ringd.local", Username: user, Password: pw, Cnonce: "abc", Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cred.String()
}

// Nodes of a cluster share the nonce secret: a challenge one issued is
// answered on another; digests with secrets of their own (separate
// processes) refuse each other's nonces.
func TestSharedNonceSecret(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pw := func(string) (string, bool) { return "pw", true }
	secret := []byte("the cluster's shared secret, 32b")
	a, b := NewDigest("ringd.local", secret), NewDigest("ringd.local", secret)
	cred := answer(t, a.Challenges(now, false)[0], "1001", "pw")
	if user, res := b.Check(cred, "REGISTER", registrarURI, pw, now.Add(time.Second)); res != OK || user != "1001" {
		t.Errorf("another node with the shared secret: %q %v", user, res)
	}
	own := NewDigest("ringd.local")
	if _, res := own.Check(cred, "REGISTER", registrarURI, pw, now.Add(time.Second)); res != Bad {
		t.Errorf("a digest with its own secret took the nonce: %v", res)
	}
}

// answerWith computes credentials for challenge value chal with nonce
// count nc.
func answerWith(t *testing.T, chal string, nc int) string {
	t.Helper()
	c, err := digest.ParseChallenge(chal)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(c, digest.Options{Method: "REGISTER", URI: "sip:ringd.local", Username: "1001", Password: "pw", Cnonce: "abc", Count: nc})
	if err != nil {
		t.Fatal(err)
	}
	return cred.String()
}

// TestDigestAlgorithmsAndReplays: MD5 and SHA-256 challenges share one
// nonce and both are answered; a nonce count used again is a replay
// (stale, not a failure), counting up is fine; an expired nonce is stale;
// an algorithm not offered is refused.
func TestDigestAlgorithmsAndReplays(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pw := func(string) (string, bool) { return "pw", true }
	a := NewDigest("ringd.local")
	if c := a.Challenges(now, false); len(c) != 1 || !strings.Contains(c[0], "algorithm=MD5") {
		t.Fatalf("default challenges: %q, want MD5 alone", c)
	}
	a.SetAlgorithms([]string{MD5, SHA256})
	chals := a.Challenges(now, false)
	if len(chals) != 2 || !strings.Contains(chals[0], "algorithm=MD5") || !strings.Contains(chals[1], "algorithm=SHA-256") {
		t.Fatalf("MD5 and SHA-256: %q", chals)
	}
	// A phone answers one of them; the SHA-256 one of a later challenge.
	if _, res := a.Check(answerWith(t, chals[0], 1), "REGISTER", registrarURI, pw, now); res != OK {
		t.Errorf("MD5 challenge answered: %v", res)
	}
	if _, res := a.Check(answerWith(t, a.Challenges(now.Add(time.Second), false)[1], 1), "REGISTER", registrarURI, pw, now.Add(time.Second)); res != OK {
		t.Errorf("SHA-256 challenge answered: %v", res)
	}
	// The nonce of both (the same), count 1 again: a replay.
	if _, res := a.Check(answerWith(t, chals[0], 1), "REGISTER", registrarURI, pw, now); res != Stale {
		t.Errorf("nonce count 1 again: %v, want Stale", res)
	}
	if _, res := a.Check(answerWith(t, chals[1], 2), "REGISTER", registrarURI, pw, now); res != OK {
		t.Errorf("nonce count 2: %v, want OK", res)
	}
	if _, res := a.Check(answerWith(t, chals[1], 2), "REGISTER", registrarURI, pw, now); res != Stale {
		t.Errorf("nonce count 2 again: %v, want Stale", res)
	}
	// Expired: stale=true in the next challenge.
	if _, res := a.Check(answerWith(t, chals[0], 3), "REGISTER", registrarURI, pw, now.Add(nonceLifetime+time.Second)); res != Stale {
		t.Errorf("after the nonce's lifetime: %v, want Stale", res)
	}
	if c := a.Challenges(now, true); !strings.Contains(c[0], "stale=true") {
		t.Errorf("stale challenge: %q", c[0])
	}
	// SHA-256 only: an MD5 answer is refused.
	a.SetAlgorithms([]string{SHA256})
	now = now.Add(2 * time.Second) // a nonce not used yet
	fresh := a.Challenges(now, false)
	if len(fresh) != 1 || !strings.Contains(fresh[0], "SHA-256") {
		t.Fatalf("SHA-256 only: %q", fresh)
	}
	md5 := strings.Replace(fresh[0], "SHA-256", "MD5", 1)
	if _, res := a.Check(answerWith(t, md5, 1), "REGISTER", registrarURI, pw, now); res != Bad {
		t.Errorf("MD5 credentials when only SHA-256 is offered: %v, want Bad", res)
	}
	if _, res := a.Check(answerWith(t, fresh[0], 1), "REGISTER", registrarURI, pw, now); res != OK {
		t.Errorf("SHA-256 credentials: %v", res)
	}
}

// Counts forget nonces past their lifetime and never grow past the cap.
func TestCountsForgetOldNonces(t *testing.T) {
	c := NewCounts()
	t0 := time.Unix(1_800_000_000, 0)
	for i := range 1000 {
		if !c.Next("n"+strconv.Itoa(i), true, 1, t0.Unix(), t0) {
			t.Fatal("a new nonce refused")
		}
	}
	later := t0.Add(nonceLifetime + 2*time.Minute)
	c.Next("fresh", true, 1, later.Unix(), later)
	if c.Len() != 1 {
		t.Errorf("%d nonces kept after their lifetime, want 1", c.Len())
	}
	if c.Next("fresh", false, 0, later.Unix(), later) {
		t.Error("a nonce without qop served twice")
	}
}

// Credentials name the user of the Request-URI they were computed for:
// used for another number they are a mismatch (400, no challenge, not
// counted); another host or port for the same user (an edge proxy
// rewrote it), or a uri naming a host alone (SIPp), is fine.
func TestCredentialsAreForTheirRequestURI(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pw := func(string) (string, bool) { return "pw", true }
	a := NewDigest("ringd.local")
	c, err := digest.ParseChallenge(a.Challenges(now, false)[0])
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(c, digest.Options{Method: "INVITE", URI: "sip:6000@ringd.local", Username: "1001", Password: "pw", Cnonce: "abc", Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, res := a.Check(cred.String(), "INVITE", sip.Uri{Scheme: "sip", User: "0900123456", Host: "ringd.local"}, pw, now); res != Mismatch {
		t.Errorf("credentials for 6000 used to call 0900123456: %v, want Mismatch", res)
	}
	if user, res := a.Check(cred.String(), "INVITE", sip.Uri{Scheme: "sip", User: "6000", Host: "127.0.0.1", Port: 5080}, pw, now); res != OK || user != "1001" {
		t.Errorf("the same user at a rewritten host: %q %v, want OK", user, res)
	}
	hostOnly, err := digest.Digest(c, digest.Options{Method: "INVITE", URI: "sip:127.0.0.1:5060", Username: "1001", Password: "pw", Cnonce: "abc", Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, res := a.Check(hostOnly.String(), "INVITE", sip.Uri{Scheme: "sip", User: "6000", Host: "ringd.local"}, pw, now); res != OK {
		t.Errorf("a uri naming the server alone (SIPp): %v, want OK", res)
	}
	bad := strings.Replace(cred.String(), `uri="sip:6000@ringd.local"`, `uri="not a uri"`, 1)
	if _, res := a.Check(bad, "INVITE", sip.Uri{Scheme: "sip", User: "6000", Host: "ringd.local"}, pw, now); res != Mismatch {
		t.Errorf("a uri that is no URI: %v, want Mismatch", res)
	}
}
