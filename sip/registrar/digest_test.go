package registrar

import (
	"testing"
	"time"

	"github.com/icholy/digest"
)

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
	cred := answer(t, a.Challenge(now, false), "1001", "pw")
	if user, res := b.Check(cred, "REGISTER", pw, now.Add(time.Second)); res != OK || user != "1001" {
		t.Errorf("another node with the shared secret: %q %v", user, res)
	}
	own := NewDigest("ringd.local")
	if _, res := own.Check(cred, "REGISTER", pw, now.Add(time.Second)); res != Bad {
		t.Errorf("a digest with its own secret took the nonce: %v", res)
	}
}
