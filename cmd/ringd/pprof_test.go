package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// http.pprof: true serves Go's profiles to token holders only; without it
// there are none.
func TestPprofOnlyWhenConfiguredAndOnlyWithAToken(t *testing.T) {
	get := func(url, token string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	cfg, _, apiURL := e2eConfig(t, filepath.Join(t.TempDir(), "ringd.db"))
	p := start(t, cfg)
	if code := get(apiURL+"/debug/pprof/heap", "e2e"); code != http.StatusNotFound {
		t.Errorf("without http.pprof: GET /debug/pprof/heap = %d, want 404", code)
	}
	p.stop()

	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	on := strings.Replace(string(b), `tokens: ["e2e"]`, `tokens: ["e2e"]`+"\n  pprof: true", 1)
	if err := os.WriteFile(cfg, []byte(on), 0o600); err != nil {
		t.Fatal(err)
	}
	start(t, cfg)
	if code := get(apiURL+"/debug/pprof/heap", "e2e"); code != http.StatusOK {
		t.Errorf("with http.pprof: GET /debug/pprof/heap = %d, want 200", code)
	}
	if code := get(apiURL+"/debug/pprof/goroutine?debug=1", "e2e"); code != http.StatusOK {
		t.Errorf("with http.pprof: GET /debug/pprof/goroutine = %d, want 200", code)
	}
	if code := get(apiURL+"/debug/pprof/heap", ""); code != http.StatusUnauthorized {
		t.Errorf("with http.pprof, no token: GET /debug/pprof/heap = %d, want 401", code)
	}
}
