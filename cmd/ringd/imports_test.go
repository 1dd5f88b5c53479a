package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The import rules of the whole repository, in one place. Each ringd
// package may import (directly) only the ringd packages its rule names,
// and the outside modules it names; the pure packages (strategy, engine
// and what engine builds on) must not reach the network, the file system,
// logging or fmt, even through the standard library packages they use.
// Imports go one way: strategy <- engine <- sip <- cmd; config <- cmd;
// bench may use anything; nothing but cmd and bench imports config or sip
// the other way round.

const module = "github.com/ringd/ringd/"

// rule is what one package (or, ending in "/...", a tree of them) may import.
type rule struct {
	ringd   []string // ringd packages it may import (a "/..." entry covers a tree)
	outside []string // module path prefixes outside the standard library it may import
	pure    bool     // no net, os, log, fmt, syscall/js, even indirectly
	avoid   []string // standard library packages it must not depend on, even indirectly
}

var rules = map[string]rule{
	"strategy":                {pure: true},
	"engine/cdr":              {pure: true},
	"engine/calendar":         {pure: true},
	"engine":                  {ringd: []string{"strategy", "engine/cdr"}, pure: true},
	"config":                  {ringd: []string{"engine", "engine/calendar", "strategy"}, outside: []string{"gopkg.in/yaml.v3"}},
	"config/store":            {ringd: []string{"config", "engine/cdr"}, outside: []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5"}},
	"config/live":             {ringd: []string{"config", "config/store", "engine", "engine/cdr"}},
	"config/api/compat":       {ringd: []string{"config", "engine", "strategy"}, avoid: []string{"net/http"}}, // maps data only
	"config/api":              {ringd: []string{"config", "config/api/compat", "config/live", "config/store", "engine", "engine/cdr", "strategy"}},
	"config/api/console":      {ringd: []string{"config", "engine/cdr"}}, // reaches the API in-process over http.Handler, never config/live
	"sip/clock":               {},
	"sip/grammar":             {},
	"sip/cluster":             {outside: []string{"github.com/redis/rueidis", "go.uber.org/zap"}}, // no other ringd package
	"sip/cluster/clustertest": {},                                                                 // starts throwaway servers for tests: the standard library only
	"sip/dialogs":             {},
	"sip/dialoginfo":          {pure: true}, // the standard library only, and no I/O
	"sip/metrics":             {ringd: []string{"engine", "strategy"}, outside: []string{"github.com/prometheus/"}},
	"sip/media":               {ringd: []string{"sip/clock"}, outside: []string{"github.com/pion/"}},
	"sip/proxy":               {ringd: []string{"sip/clock", "sip/grammar"}, outside: []string{"github.com/emiago/sipgo"}},
	"sip/registrar":           {ringd: []string{"sip/clock", "sip/grammar"}, outside: []string{"github.com/emiago/sipgo", "github.com/icholy/digest"}},
	"sip/transport":           {ringd: []string{"sip/clock", "sip/grammar", "sip/metrics"}, outside: []string{"github.com/emiago/sipgo", "go.uber.org/zap"}},
	"sip/siptest":             {outside: []string{"github.com/emiago/sipgo", "github.com/pion/"}},
	"sip": {ringd: []string{"sip/clock", "sip/cluster", "sip/dialoginfo", "sip/dialogs", "sip/media", "sip/metrics", "sip/proxy", "sip/registrar", "sip/transport",
		"engine", "engine/cdr", "strategy"},
		outside: []string{"github.com/emiago/sipgo", "github.com/google/uuid", "github.com/prometheus/", "go.uber.org/zap"}},
	"cmd/ringd":     {ringd: []string{"config/...", "engine/...", "sip/...", "strategy"}, outside: []string{"github.com/prometheus/", "go.uber.org/zap"}},
	"cmd/ringbench": {ringd: []string{"bench/..."}},
	"bench/...":     {ringd: []string{"bench/...", "config/...", "engine/...", "sip/...", "strategy"}, outside: []string{""}},
}

// ruleFor finds the rule of a ringd package (its path without the module).
func ruleFor(pkg string) (rule, bool) {
	if r, ok := rules[pkg]; ok {
		return r, true
	}
	for tree, r := range rules {
		if base, ok := strings.CutSuffix(tree, "/..."); ok && (pkg == base || strings.HasPrefix(pkg, base+"/")) {
			return r, true
		}
	}
	return rule{}, false
}

func (r rule) allowsRingd(pkg string) bool {
	for _, a := range r.ringd {
		if a == pkg {
			return true
		}
		if base, ok := strings.CutSuffix(a, "/..."); ok && (pkg == base || strings.HasPrefix(pkg, base+"/")) {
			return true
		}
	}
	return false
}

func (r rule) allowsOutside(path string) bool {
	for _, p := range r.outside {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// impure reports whether a standard library package reaches outside what
// a pure package may touch.
func impure(path string) bool {
	for _, tree := range []string{"net", "os", "log", "fmt", "syscall/js"} {
		if path == tree || strings.HasPrefix(path, tree+"/") {
			return true
		}
	}
	return false
}

type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, module)
		r, ok := ruleFor(pkg)
		if !ok {
			t.Errorf("%s has no import rule: add one here", pkg)
			continue
		}
		seen++
		for _, imp := range p.Imports {
			switch {
			case strings.HasPrefix(imp, module):
				if !r.allowsRingd(strings.TrimPrefix(imp, module)) {
					t.Errorf("%s imports %s", pkg, imp)
				}
			case strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
				if !r.allowsOutside(imp) {
					t.Errorf("%s imports %s", pkg, imp)
				}
			}
		}
		for _, d := range p.Deps {
			if r.pure && impure(d) {
				t.Errorf("%s, a pure package, depends on %s", pkg, d)
			}
			if slices.Contains(r.avoid, d) {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("only %d packages checked", seen)
	}
}

// The rules catch what they must: a pure package reaching the network or
// fmt, sip reaching config, the engine reaching sip.
func TestImportRulesCatch(t *testing.T) {
	for _, d := range []string{"net", "net/netip", "os", "os/exec", "log/slog", "fmt"} {
		if !impure(d) {
			t.Errorf("%s not caught as impure", d)
		}
	}
	for _, d := range []string{"strconv", "strings", "time", "slices", "errors", "sync"} {
		if impure(d) {
			t.Errorf("%s refused as impure", d)
		}
	}
	for _, c := range []struct{ pkg, imp string }{
		{"sip", "config"}, {"sip", "cmd/ringd"}, {"engine", "sip"}, {"engine", "config"}, {"strategy", "engine"},
		{"engine/cdr", "engine"}, {"config", "sip"}, {"sip/proxy", "sip"}, {"sip/transport", "sip/registrar"},
		{"config/api/compat", "config/api"}, {"cmd/ringd", "bench"}, {"config/api/console", "config/live"},
	} {
		r, _ := ruleFor(c.pkg)
		if r.allowsRingd(c.imp) {
			t.Errorf("%s may import %s", c.pkg, c.imp)
		}
	}
	for _, c := range []struct{ pkg, imp string }{
		{"engine", "github.com/emiago/sipgo"}, {"config", "github.com/emiago/sipgo"}, {"sip/dialogs", "go.uber.org/zap"},
		{"cmd/ringd", "github.com/emiago/sipgo"},
	} {
		r, _ := ruleFor(c.pkg)
		if r.allowsOutside(c.imp) {
			t.Errorf("%s may import %s", c.pkg, c.imp)
		}
	}
}
