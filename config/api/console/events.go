package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// events streams the overview's snapshot (text/event-stream): one event at
// once, then one whenever the snapshot changed, read every 250 ms and sent
// at most every 500 ms. The stream ends when the session ends.
func (c *Console) events(w http.ResponseWriter, r *http.Request, s *session) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 2000\n\n"))
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	var last []byte
	var sent time.Time
	for {
		if !c.auth.ValidToken(s.token) || c.ended(s) {
			_, _ = w.Write([]byte("event: signed_out\ndata: {}\n\n"))
			_ = rc.Flush()
			return
		}
		if time.Since(sent) >= minGap {
			snap, err := c.snapshot(r, s)
			if err != nil {
				return
			}
			b, _ := json.Marshal(snap)
			if !bytes.Equal(b, last) {
				if _, err := w.Write([]byte("event: snapshot\ndata: " + string(b) + "\n\n")); err != nil {
					return
				}
				if rc.Flush() != nil {
					return
				}
				last, sent = b, time.Now()
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// ended reports whether the session was signed out or expired; an open
// stream otherwise keeps it alive (an overview left on a wall screen).
func (c *Console) ended(s *session) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.sessions {
		if x == s {
			now := c.now()
			if now.After(s.expires) {
				return true
			}
			s.expires = now.Add(sessionIdle)
			return false
		}
	}
	return true
}
