package engine

import (
	"os/exec"
	"strings"
	"testing"
)

// forbiddenDep reports why a dependency has no place in strategy or engine:
// they must not reach the network, the file system, logging, SIP or metrics,
// even indirectly, and fmt stays off the hot path.
func forbiddenDep(d string) bool {
	for _, tree := range []string{"net", "os", "log", "fmt", "syscall/js"} {
		if d == tree || strings.HasPrefix(d, tree+"/") {
			return true
		}
	}
	first, _, _ := strings.Cut(d, "/")
	// Outside the standard library only ringd's own strategy package is allowed
	// (sipgo, zap and Prometheus included).
	return strings.Contains(first, ".") && d != "github.com/ringd/ringd/strategy" && d != "github.com/ringd/ringd/engine"
}

func TestPureImports(t *testing.T) {
	for _, pkg := range []string{"github.com/ringd/ringd/strategy", "github.com/ringd/ringd/engine"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 5 {
			t.Fatalf("go list -deps %s listed only %v", pkg, deps)
		}
		for _, d := range deps {
			if forbiddenDep(d) {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
		if pkg == "github.com/ringd/ringd/strategy" && strings.Contains(string(out), "ringd/engine") {
			t.Errorf("strategy depends on engine")
		}
	}
}

func TestForbiddenDepCatchesTheNamedPackages(t *testing.T) {
	for _, d := range []string{"net", "net/netip", "os", "os/exec", "log/slog", "fmt",
		"github.com/emiago/sipgo", "go.uber.org/zap", "github.com/prometheus/client_golang/prometheus",
		"github.com/ringd/ringd/sip"} {
		if !forbiddenDep(d) {
			t.Errorf("%s not caught", d)
		}
	}
	for _, d := range []string{"strconv", "strings", "time", "slices", "errors", "github.com/ringd/ringd/strategy"} {
		if forbiddenDep(d) {
			t.Errorf("%s refused", d)
		}
	}
}
