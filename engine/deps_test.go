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
	calendarPkg = "github.com/ringd/ringd/engine/calendar"
)

// ringdDeps are the ringd packages each pure package may depend on, itself
// included: strategy, engine/cdr and engine/calendar stand alone, engine
// builds on strategy and engine/cdr.
var ringdDeps = map[string][]string{
	strategyPkg: {strategyPkg},
	cdrPkg:      {cdrPkg},
	calendarPkg: {calendarPkg},
	enginePkg:   {enginePkg, strategyPkg, cdrPkg},
}

// forbiddenDep reports why a dependency d has no place in pkg (strategy,
// engine, engine/cdr or engine/calendar): they must not reach the network, the file system,
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
	for _, pkg := range []string{strategyPkg, enginePkg, cdrPkg, calendarPkg} {
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
	for _, pkg := range []string{strategyPkg, enginePkg, cdrPkg, calendarPkg} {
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
	for _, d := range []string{strategyPkg, enginePkg, cdrPkg} {
		if !forbiddenDep(calendarPkg, d) {
			t.Errorf("engine/calendar: %s not caught", d)
		}
	}
	if !forbiddenDep(enginePkg, calendarPkg) {
		t.Errorf("engine: %s not caught", calendarPkg)
	}
	if !forbiddenDep(strategyPkg, cdrPkg) {
		t.Errorf("strategy: %s not caught", cdrPkg)
	}
}
