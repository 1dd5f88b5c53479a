package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimal is the smallest valid configuration; tests add to it.
const minimal = `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions:
  - { number: "1001", password: a }
  - { number: "1002", password: b }
ring_groups:
  - { number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1001" }] }
`

// writeFile writes text to a file in a fresh temporary directory.
func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ringd.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadProblems loads text from a real file and returns its problems, one
// line each; it fails the test if the error is not Problems.
func loadProblems(t *testing.T, text string) []string {
	t.Helper()
	_, snap, err := Load(writeFile(t, text))
	if err == nil {
		if snap == nil {
			t.Fatal("Load returned neither a snapshot nor an error")
		}
		return nil
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error %T is not Problems: %v", err, err)
	}
	if snap != nil {
		t.Error("Load returned a snapshot with an error")
	}
	return strings.Split(ps.Error(), "\n")
}

// mustLoad loads text from a real file and fails the test on any problem.
func mustLoad(t *testing.T, text string) *Config {
	t.Helper()
	c, snap, err := Load(writeFile(t, text))
	if err != nil {
		t.Fatalf("Load:\n%v", err)
	}
	if snap == nil {
		t.Fatal("no snapshot")
	}
	return c
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
