package main

import (
	"net/http"
	"net/http/pprof"

	"github.com/ringd/ringd/config/api"
)

// mountPprof serves Go's runtime profiles under /debug/pprof/ (config
// http.pprof: true), for holders of an admin token: heap, goroutine,
// allocs, ..., profile?seconds=N and trace?seconds=N.
func mountPprof(admin *api.Server) {
	admin.Mount("GET /debug/pprof/", "Go runtime profiles: index, or one by name (http.pprof: true)", false, http.HandlerFunc(pprof.Index))
	admin.Mount("GET /debug/pprof/profile", "CPU profile for ?seconds=N (http.pprof: true)", false, http.HandlerFunc(pprof.Profile))
	admin.Mount("GET /debug/pprof/trace", "Execution trace for ?seconds=N (http.pprof: true)", false, http.HandlerFunc(pprof.Trace))
	admin.Mount("GET /debug/pprof/symbol", "Symbol lookup (http.pprof: true)", false, http.HandlerFunc(pprof.Symbol))
}
