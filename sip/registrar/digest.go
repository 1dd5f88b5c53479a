package registrar

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// nonceLifetime is how long a digest nonce stays valid; older ones get a
// fresh challenge with stale=true.
const nonceLifetime = 5 * time.Minute

// Algorithms ringd's digest knows (RFC 8760): the settings list some of
// them, in order of preference.
const (
	MD5    = "MD5"
	SHA256 = "SHA-256"
)

// DefaultAlgorithms are offered when the settings name none: MD5 alone.
// SHA-256 beside it is a setting (sip.digest_algorithms): a phone should
// take the first challenge it supports, but baresip (libre) refuses the
// whole 401 with ENOSYS when any challenge names an algorithm it does not
// know, even after an MD5 one.
var DefaultAlgorithms = []string{MD5}

// Digest issues and checks HTTP-digest challenges (RFC 3261 §22, RFC
// 2617/7616 with qop=auth; MD5 and SHA-256 of RFC 8760): REGISTER's 401
// here, and the 407 of calls from outside sip.trusted. Nonces are
// stateless - a timestamp, random bytes and an HMAC of both under a
// secret - but the nonce counts a nonce was used with are kept (Counts)
// so that a replayed request is refused. Safe for concurrent use.
type Digest struct {
	realm      string
	secret     []byte
	algorithms atomic.Pointer[[]string]
	counts     *Counts
}

// NewDigest returns a Digest for realm (ringd's domain) with a secret of
// its own; with secret set (the nodes of a cluster share one), a nonce
// one node issued is good on every node.
func NewDigest(realm string, secret ...[]byte) *Digest {
	a := &Digest{realm: realm, counts: NewCounts()}
	a.SetAlgorithms(nil)
	if len(secret) > 0 && len(secret[0]) > 0 {
		a.secret = secret[0]
		return a
	}
	a.secret = make([]byte, 32)
	if _, err := rand.Read(a.secret); err != nil {
		panic("ringd: no randomness for digest nonces: " + err.Error())
	}
	return a
}

// SetAlgorithms sets the algorithms challenges offer, in order of
// preference (nil: DefaultAlgorithms); credentials in another are
// refused.
func (a *Digest) SetAlgorithms(algs []string) {
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	algs = slices.Clone(algs)
	a.algorithms.Store(&algs)
}

// nonce is a fresh nonce: the issue time, 8 random bytes (so that no two
// challenges share a nonce, and with it its nonce counts) and the
// signature of both.
func (a *Digest) nonce(now time.Time) string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	ts := strconv.FormatInt(now.Unix(), 16) + "." + hex.EncodeToString(r[:])
	return ts + "." + a.sign(ts)
}

func (a *Digest) sign(ts string) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte(ts + "|" + a.realm))
	return hex.EncodeToString(m.Sum(nil))[:24]
}

// Challenges renders the WWW-Authenticate / Proxy-Authenticate values,
// one per algorithm in order of preference, all with the same nonce.
func (a *Digest) Challenges(now time.Time, stale bool) []string {
	nonce := a.nonce(now)
	algs := *a.algorithms.Load()
	out := make([]string, len(algs))
	for i, alg := range algs {
		c := digest.Challenge{Realm: a.realm, Nonce: nonce, Algorithm: alg, QOP: []string{"auth"}, Stale: stale}
		out[i] = c.String()
	}
	return out
}

// ChallengeHeaders are Challenges as headers named name.
func (a *Digest) ChallengeHeaders(name string, now time.Time, stale bool) []sip.Header {
	var hs []sip.Header
	for _, c := range a.Challenges(now, stale) {
		hs = append(hs, sip.NewHeader(name, c))
	}
	return hs
}

// Result is the outcome of checking credentials.
type Result uint8

const (
	Missing Result = iota // no credentials for our realm: challenge
	OK
	Stale // right password, but an old nonce or a nonce count used before: challenge with stale=true
	Bad   // wrong user, password, nonce or algorithm: challenge again (and count it)
	// Mismatch: credentials whose uri names another user than the
	// Request-URI's (RFC 3261 §22.4): 400, not a challenge.
	Mismatch
)

// Ours reports whether a credentials header value (Authorization,
// Proxy-Authorization) answers a challenge of ringd's realm: ringd
// consumes such credentials and never forwards them.
func (a *Digest) Ours(header string) bool {
	cred, err := digest.ParseCredentials(header)
	return err == nil && cred.Realm == a.realm
}

// Check verifies a credentials header value for method and Request-URI
// target against the password lookup. It returns the authenticated user.
// The credentials' uri, when it names a user, must name the target's
// (hosts and ports may differ: an edge proxy may rewrite them; SIPp names
// the server's address alone), so that credentials computed for one
// number cannot place a call to another. Credentials that
// use a nonce again must count up (nc, RFC 7616 §3.4): a count used
// before with the same nonce is a replay, answered as a stale nonce (a
// phone then authenticates afresh, and is not counted as guessing).
func (a *Digest) Check(header, method string, target sip.Uri, password func(user string) (string, bool), now time.Time) (string, Result) {
	if header == "" {
		return "", Missing
	}
	cred, err := digest.ParseCredentials(header)
	if err != nil || cred.Realm != a.realm {
		return "", Missing
	}
	var named sip.Uri
	if sip.ParseUri(cred.URI, &named) != nil || named.User != "" && named.User != target.User {
		return "", Mismatch
	}
	alg := cred.Algorithm
	if alg == "" {
		alg = MD5
	}
	if !slices.ContainsFunc(*a.algorithms.Load(), func(s string) bool { return strings.EqualFold(s, alg) }) {
		return "", Bad
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
	dot := strings.LastIndexByte(cred.Nonce, '.')
	if dot < 0 || !hmac.Equal([]byte(cred.Nonce[dot+1:]), []byte(a.sign(cred.Nonce[:dot]))) {
		return "", Bad
	}
	stamp, _, _ := strings.Cut(cred.Nonce[:dot], ".")
	issued, err := strconv.ParseInt(stamp, 16, 64)
	if err != nil {
		return "", Bad
	}
	if age := now.Sub(time.Unix(issued, 0)); age > nonceLifetime || age < -time.Minute {
		return cred.Username, Stale
	}
	if !a.counts.Next(cred.Nonce, cred.QOP != "", cred.Nc, issued, now) {
		return cred.Username, Stale
	}
	return cred.Username, OK
}
