package api

import (
	"net/http"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
)

// New builds the API over the live configuration.
func New(l *live.Live, rt Runtime, h config.HTTPConfig) *Server {
	s := &Server{live: l, rt: rt, mux: http.NewServeMux(), static: h.Tokens, users: h.Users, issued: map[string]time.Time{}, attempts: newAttempts(time.Now)}
	s.nativeRoutes()
	s.compatRoutes()
	s.public("GET /openapi.json", "The OpenAPI 3 document of this API", "", "object", s.openAPI)
	s.public("GET /healthz", "Liveness: the process serves HTTP", "", "object", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem(http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// nativeRoutes registers the native resources and live views of SPEC §8.
func (s *Server) nativeRoutes() {
	ringGroups.routes(s)
	extensions.routes(s)
	extensionGroups.routes(s)
	schedules.routes(s)
	s.memberRoutes()
	s.sequentialRingRoutes()
	s.viewRoutes()
	s.recordCSVRoutes()
}

// compatRoutes registers the façades of the PBX products ringd replaces
// (Yeastar P-Series, Webex sequential ring). Both change the configuration
// through live.Mutate with the native handlers' checks, so a change made
// through a façade applies to the next call like a native one.
func (s *Server) compatRoutes() {
	s.yeastarRoutes()
	s.webexRoutes()
}
