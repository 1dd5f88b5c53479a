package registrar

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/icholy/digest"
)

// nonceLifetime is how long a digest nonce stays valid; older ones get a
// fresh challenge with stale=true.
const nonceLifetime = 5 * time.Minute

// Digest issues and checks HTTP-digest challenges (RFC 3261 §22, RFC
// 2617 with qop=auth, MD5): REGISTER's 401 here, and the 407 of calls
// from outside sip.trusted. Nonces are stateless: a timestamp and an HMAC
// of it under a per-process secret. Safe for concurrent use.
type Digest struct {
	realm  string
	secret []byte
}

// NewDigest returns a Digest for realm (ringd's domain) with a secret of
// its own; with secret set (the nodes of a cluster share one), a nonce
// one node issued is good on every node.
func NewDigest(realm string, secret ...[]byte) *Digest {
	if len(secret) > 0 && len(secret[0]) > 0 {
		return &Digest{realm: realm, secret: secret[0]}
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		panic("ringd: no randomness for digest nonces: " + err.Error())
	}
	return &Digest{realm: realm, secret: s}
}

func (a *Digest) nonce(now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 16)
	return ts + "." + a.sign(ts)
}

func (a *Digest) sign(ts string) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte(ts + "|" + a.realm))
	return hex.EncodeToString(m.Sum(nil))[:24]
}

// Challenge renders a WWW-Authenticate / Proxy-Authenticate value.
func (a *Digest) Challenge(now time.Time, stale bool) string {
	c := digest.Challenge{Realm: a.realm, Nonce: a.nonce(now), Algorithm: "MD5", QOP: []string{"auth"}, Stale: stale}
	return c.String()
}

// Result is the outcome of checking credentials.
type Result uint8

const (
	Missing Result = iota // no credentials for our realm: challenge
	OK
	Stale // right password, old nonce: challenge with stale=true
	Bad   // wrong user, password or nonce: challenge again (and count it)
)

// Ours reports whether a credentials header value (Authorization,
// Proxy-Authorization) answers a challenge of ringd's realm: ringd
// consumes such credentials and never forwards them.
func (a *Digest) Ours(header string) bool {
	cred, err := digest.ParseCredentials(header)
	return err == nil && cred.Realm == a.realm
}

// Check verifies a credentials header value for method against the
// password lookup. It returns the authenticated user.
func (a *Digest) Check(header, method string, password func(user string) (string, bool), now time.Time) (string, Result) {
	if header == "" {
		return "", Missing
	}
	cred, err := digest.ParseCredentials(header)
	if err != nil || cred.Realm != a.realm {
		return "", Missing
	}
	pw, ok := password(cred.Username)
	if !ok {
		return "", Bad
	}
	chal := &digest.Challenge{Realm: a.realm, Nonce: cred.Nonce, Algorithm: cred.Algorithm}
	if cred.QOP != "" {
		chal.QOP = []string{cred.QOP}
	}
	want, err := digest.Digest(chal, digest.Options{
		Method: method, URI: cred.URI, Username: cred.Username, Password: pw,
		Cnonce: cred.Cnonce, Count: cred.Nc,
	})
	if err != nil || subtle.ConstantTimeCompare([]byte(want.Response), []byte(cred.Response)) != 1 {
		return "", Bad
	}
	ts, sig, ok := strings.Cut(cred.Nonce, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(a.sign(ts))) {
		return "", Bad
	}
	issued, err := strconv.ParseInt(ts, 16, 64)
	if err != nil {
		return "", Bad
	}
	if age := now.Sub(time.Unix(issued, 0)); age > nonceLifetime || age < -time.Minute {
		return cred.Username, Stale
	}
	return cred.Username, OK
}
