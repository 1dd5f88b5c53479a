package engine

import (
	"os/exec"
	"strings"
	"testing"
)

const (
	strategyPkg = "github.com/ringd/ringd/strategy"
	enginePkg   = "github.com/ringd/ringd/engine"
	cdrPkg      = "github.com/ringd/ringd/engine/cdr"
)

// ringdDeps are the ringd packages each pure package may depend on, itself
// included: strategy and engine/cdr stand alone, engine builds on both.
var ringdDeps = map[string][]string{
	strategyPkg: {strategyPkg},
	cdrPkg:      {cdrPkg},
	enginePkg:   {enginePkg, strategyPkg, cdrPkg},
}

// forbiddenDep reports why a dependency d has no place in pkg (strategy,
// engine or engine/cdr): they must not reach the network, the file system,
// logging, SIP or metrics, even indirectly, and fmt stays off the hot path.
func forbiddenDep(pkg, d string) bool {
	for _, tree := range []string{"net", "os", "log", "fmt", "syscall/js"} {
		if d == tree || strings.HasPrefix(d, tree+"/") {
			return true
		}
	}
	first, _, _ := strings.Cut(d, "/")
	// Outside the standard library only the ringd packages of ringdDeps are
	// allowed (sipgo, zap and Prometheus included).
	if !strings.Contains(first, ".") {
		return false
	}
	for _, ok := range ringdDeps[pkg] {
		if d == ok {
			return false
		}
	}
	return true
}

func TestPureImports(t *testing.T) {
	for _, pkg := range []string{strategyPkg, enginePkg, cdrPkg} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 5 {
			t.Fatalf("go list -deps %s listed only %v", pkg, deps)
		}
		for _, d := range deps {
			if forbiddenDep(pkg, d) {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
		if pkg == strategyPkg && strings.Contains(string(out), "ringd/engine") {
			t.Errorf("strategy depends on engine")
		}
	}
}

func TestForbiddenDepCatchesTheNamedPackages(t *testing.T) {
	for _, pkg := range []string{strategyPkg, enginePkg, cdrPkg} {
		for _, d := range []string{"net", "net/netip", "os", "os/exec", "log/slog", "fmt",
			"github.com/emiago/sipgo", "go.uber.org/zap", "github.com/prometheus/client_golang/prometheus",
			"github.com/ringd/ringd/sip", "github.com/ringd/ringd/config"} {
			if !forbiddenDep(pkg, d) {
				t.Errorf("%s: %s not caught", pkg, d)
			}
		}
		for _, d := range []string{"strconv", "strings", "time", "slices", "errors"} {
			if forbiddenDep(pkg, d) {
				t.Errorf("%s: %s refused", pkg, d)
			}
		}
	}
	for _, d := range []string{strategyPkg, cdrPkg} {
		if forbiddenDep(enginePkg, d) {
			t.Errorf("engine: %s refused", d)
		}
	}
	for _, d := range []string{strategyPkg, enginePkg} {
		if !forbiddenDep(cdrPkg, d) {
			t.Errorf("engine/cdr: %s not caught", d)
		}
	}
	if !forbiddenDep(strategyPkg, cdrPkg) {
		t.Errorf("strategy: %s not caught", cdrPkg)
	}
}
