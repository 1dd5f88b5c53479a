package registrar

import (
	"sync"
	"time"
)

// maxTrackedNonces bounds the nonces whose counts are kept: beyond it,
// credentials on a nonce not yet seen get a fresh challenge (stale) until
// old nonces expire.
const maxTrackedNonces = 200_000

// Counts keeps, per nonce still in its lifetime, the highest nonce count
// (nc) credentials used it with. Only nonces ringd signed and credentials
// with the right password reach it, so a guesser cannot fill it. Safe for
// concurrent use.
type Counts struct {
	mu    sync.Mutex
	seen  map[string]nonceUse
	swept time.Time
}

type nonceUse struct {
	nc     uint64 // the highest count seen; with qop none, 1 after the first use
	issued int64  // Unix seconds the nonce was issued
}

// NewCounts returns an empty Counts.
func NewCounts() *Counts { return &Counts{seen: map[string]nonceUse{}} }

// Next records a use of nonce (issued at Unix second issued) with count
// nc, at now; it reports whether the use is new: nc higher than every
// count seen with that nonce. Without qop there is no count: a nonce
// serves once.
func (c *Counts) Next(nonce string, qop bool, nc int, issued int64, now time.Time) bool {
	n := uint64(1)
	if qop {
		if nc <= 0 {
			return false
		}
		n = uint64(nc)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.swept) > time.Minute || len(c.seen) >= maxTrackedNonces {
		c.sweep(now)
	}
	use, ok := c.seen[nonce]
	if ok && n <= use.nc {
		return false // a replay
	}
	if !ok && len(c.seen) >= maxTrackedNonces {
		return false
	}
	c.seen[nonce] = nonceUse{nc: n, issued: issued}
	return true
}

// sweep forgets the nonces past their lifetime.
func (c *Counts) sweep(now time.Time) {
	c.swept = now
	limit := now.Add(-nonceLifetime - time.Minute).Unix()
	for k, u := range c.seen {
		if u.issued < limit {
			delete(c.seen, k)
		}
	}
}

// Len is the number of nonces tracked.
func (c *Counts) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
