package compat

import (
	"os/exec"
	"strings"
	"testing"
)

// compat maps data only: of ringd it may use config, engine and strategy,
// never sip, cmd, config/store or the HTTP layer config/api.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ringd/ringd/config/api/compat").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := map[string]bool{
		"github.com/ringd/ringd/config":            true,
		"github.com/ringd/ringd/engine":            true,
		"github.com/ringd/ringd/engine/cdr":        true, // through engine
		"github.com/ringd/ringd/engine/calendar":   true, // through config
		"github.com/ringd/ringd/strategy":          true,
		"github.com/ringd/ringd/config/api/compat": true,
	}
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, "github.com/ringd/ringd/") && !allowed[d] {
			t.Errorf("compat depends on %s", d)
		}
		if d == "net/http" {
			t.Errorf("compat depends on net/http")
		}
	}
}
