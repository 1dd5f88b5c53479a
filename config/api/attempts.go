package api

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Failed sign-ins are counted per client address: a wrong token on any
// endpoint, a wrong user or password at get_token or in the web console.
// After maxFailures within failureWindow, that address's attempts are
// refused with 429 and Retry-After until the window of its first failure
// ends - a correct token too: the check itself is what is being guessed.
// Loopback addresses are not counted: whoever is on the machine can read
// the configuration anyway, and local tools and tests must not lock the
// administrator out.
const (
	maxFailures   = 10
	failureWindow = 10 * time.Minute
	// maxTracked bounds the addresses remembered; when full, the stalest go.
	maxTracked = 10000
)

// failures is one address's failed sign-ins in its current window.
type failures struct {
	first time.Time
	n     int
}

// attempts counts failed sign-ins by client address.
type attempts struct {
	mu  sync.Mutex
	now func() time.Time
	by  map[string]*failures
}

func newAttempts(now func() time.Time) *attempts {
	return &attempts{now: now, by: map[string]*failures{}}
}

// counted reports whether failures from addr count (not loopback).
func counted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	return err != nil || !ip.Unmap().IsLoopback()
}

// wait is how long addr must wait before its next attempt (0: go ahead).
func (a *attempts) wait(addr string) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.by[addr]
	if f == nil {
		return 0
	}
	left := f.first.Add(failureWindow).Sub(a.now())
	switch {
	case left <= 0:
		delete(a.by, addr)
		return 0
	case f.n >= maxFailures:
		return left
	}
	return 0
}

// note records the outcome of an attempt: a success forgets the address's
// failures.
func (a *attempts) note(addr string, ok bool) {
	if !counted(addr) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ok {
		delete(a.by, addr)
		return
	}
	now := a.now()
	f := a.by[addr]
	if f == nil || now.Sub(f.first) >= failureWindow {
		if len(a.by) >= maxTracked {
			a.prune(now)
		}
		f = &failures{first: now}
		a.by[addr] = f
	}
	f.n++
}

// prune drops the addresses whose window is over, or when none is, the
// oldest.
func (a *attempts) prune(now time.Time) {
	var oldest string
	for addr, f := range a.by {
		if now.Sub(f.first) >= failureWindow {
			delete(a.by, addr)
		} else if oldest == "" || f.first.Before(a.by[oldest].first) {
			oldest = addr
		}
	}
	if len(a.by) >= maxTracked {
		delete(a.by, oldest)
	}
}

// clientAddr is the request's source address without its port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// tooManyFailures answers a request from an address that must wait.
func tooManyFailures(w http.ResponseWriter, wait time.Duration) *Problem {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
	return problem(http.StatusTooManyRequests, "too many failed sign-ins from this address: try again in "+wait.Round(time.Second).String())
}

// SignInWait is how long the request's client address must wait before
// its next sign-in attempt (0: go ahead); the web console asks before it
// checks a token or a user.
func (s *Server) SignInWait(r *http.Request) time.Duration { return s.attempts.wait(clientAddr(r)) }

// NoteSignIn counts a sign-in attempt of the web console.
func (s *Server) NoteSignIn(r *http.Request, ok bool) { s.attempts.note(clientAddr(r), ok) }
