package main

import (
	"encoding/json"
	"net/http"

	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/sip"
)

// readiness answers GET /readyz: 200 when the store answers, SIP listens
// and ringd is not draining; 503 otherwise.
func readiness(st store.Store, srv *sip.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problems := []string{}
		if err := st.Ping(r.Context()); err != nil {
			problems = append(problems, "store: "+err.Error())
		}
		if !srv.Ready() {
			problems = append(problems, "sip: not listening or draining")
		}
		w.Header().Set("Content-Type", "application/json")
		status := map[string]any{"status": "ready"}
		if len(problems) > 0 {
			status = map[string]any{"status": "not ready", "problems": problems}
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(status)
	})
}
