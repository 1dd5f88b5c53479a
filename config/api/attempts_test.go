package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The counting: ten failures in ten minutes make an address wait until
// the window of its first failure ends; a success forgets its failures.
func TestAttemptsCountFailuresPerAddress(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	a := newAttempts(func() time.Time { return now })
	for i := 0; i < maxFailures-1; i++ {
		a.note("192.0.2.1", false)
		now = now.Add(time.Second)
	}
	if w := a.wait("192.0.2.1"); w != 0 {
		t.Fatalf("after %d failures: wait %v, want 0", maxFailures-1, w)
	}
	a.note("192.0.2.1", false)
	if w, want := a.wait("192.0.2.1"), failureWindow-time.Duration(maxFailures-1)*time.Second; w != want {
		t.Fatalf("after %d failures: wait %v, want %v", maxFailures, w, want)
	}
	if w := a.wait("192.0.2.2"); w != 0 {
		t.Errorf("another address waits %v", w)
	}
	now = now.Add(failureWindow)
	if w := a.wait("192.0.2.1"); w != 0 {
		t.Errorf("after the window: wait %v", w)
	}
	for i := 0; i < maxFailures-1; i++ {
		a.note("192.0.2.3", false)
	}
	a.note("192.0.2.3", true)
	a.note("192.0.2.3", false)
	if w := a.wait("192.0.2.3"); w != 0 {
		t.Errorf("a success did not forget the failures: wait %v", w)
	}
	for _, local := range []string{"127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"} {
		for i := 0; i < 2*maxFailures; i++ {
			a.note(local, false)
		}
		if w := a.wait(local); w != 0 {
			t.Errorf("loopback %s waits %v", local, w)
		}
	}
}

// Over HTTP: wrong tokens on the native API and wrong credentials at the
// Yeastar get_token count together; then even the right token gets 429
// with Retry-After, from that address only.
func TestTooManyFailedSignIns(t *testing.T) {
	f := newFixture(t)
	srv := f.server()
	send := func(from, method, path, auth, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.RemoteAddr = from + ":40000"
		if auth != "" {
			r.Header.Set("Authorization", "Bearer "+auth)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	for i := 0; i < maxFailures-1; i++ {
		if w := send("192.0.2.9", "GET", "/api/v1/ring_groups", "guess", ""); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i, w.Code)
		}
	}
	if w := send("192.0.2.9", "GET", "/api/v1/ring_groups", "", ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", w.Code)
	}
	w := send("192.0.2.9", "POST", "/openapi/v1.0/get_token", "", `{"username":"admin","password":"guess"}`)
	if !strings.Contains(w.Body.String(), `"errcode":10001`) {
		t.Fatalf("get_token with a wrong password: %d %s", w.Code, w.Body)
	}
	w = send("192.0.2.9", "GET", "/api/v1/ring_groups", "test-token", "")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "too many failed sign-ins") {
		t.Fatalf("after %d failures, the right token: %d %q %s", maxFailures, w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	w = send("192.0.2.9", "POST", "/openapi/v1.0/get_token", "", `{"username":"admin","password":"secret"}`)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), `"errcode":10001`) {
		t.Errorf("get_token while waiting: %d %s", w.Code, w.Body)
	}
	if w := send("192.0.2.10", "GET", "/api/v1/ring_groups", "test-token", ""); w.Code != http.StatusOK {
		t.Errorf("another address: %d", w.Code)
	}
}
