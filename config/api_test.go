package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
)

// Parse runs only the config layer's checks; Compile adds the engine's and
// keeps the IDs of the previous snapshot.
func TestParseThenCompile(t *testing.T) {
	text := strings.Replace(minimal, `{ extension: "1001" }`, `{ extension: "1009" }`, 1)
	c, err := Parse([]byte(text))
	if err != nil {
		t.Fatalf("Parse reported an engine problem: %v", err)
	}
	_, err = c.Compile(nil)
	var ps Problems
	if !errors.As(err, &ps) || ps.Error() != `ring_groups[0].members[0].extension: unknown extension "1009"` {
		t.Fatalf("Compile: %v", err)
	}

	c, err = Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Extensions = c.Extensions[1:] // 1001 goes; 1002 keeps its ID
	c.RingGroups[0].Members[0].Extension = "1002"
	next, err := c.Compile(first)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := first.Extension("1002")
	b, _ := next.Extension("1002")
	if a != b {
		t.Errorf("extension 1002 moved from ID %d to %d", a, b)
	}

	// Compile runs the config layer's checks too: an invalid change made
	// through the model never goes live.
	c.RingGroups[0].OnNoAnswer = Destination{Dest: "ext_vm", Value: "1"}
	if _, err := c.Compile(next); err == nil || err.Error() != "ring_groups[0].on_no_answer.dest: services.ext_vm is not configured" {
		t.Errorf("Compile: %v", err)
	}
}

func TestSpec(t *testing.T) {
	c := mustLoad(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions: [{ number: "1001", name: Alice, password: a }, { number: "1002", password: b }]
extension_groups: [{ name: support, extensions: ["1002", "1001"] }]
ring_groups:
  - number: "6000"
    name: Sales
    strategy: custom
    ring_time: 30
    pai: true
    rpid: true
    to_extension: true
    alert_info: Bellcore-dr2
    record_missed: true
    members: [{ extension: "1001", skill_level: 2, delay: 5, timeout: 10 }, { ext_group: support }]
    on_no_agent: { dest: play_greeting, value: closed.wav }
`)
	s := c.Spec()
	if s.Domain != "ringd.local" || len(s.Extensions) != 2 || s.Extensions[0] != (engine.ExtensionSpec{Number: "1001", Name: "Alice"}) {
		t.Errorf("spec %+v", s)
	}
	if eg := s.ExtensionGroups[0]; eg.Name != "support" || strings.Join(eg.Extensions, ",") != "1002,1001" {
		t.Errorf("extension group %+v", eg)
	}
	g := s.Groups[0]
	if g.RingTime != 30*time.Second || !g.PAI || !g.RPID || !g.ToExtension || g.AlertInfo != "Bellcore-dr2" || !g.RecordMissed || g.Schedule != nil {
		t.Errorf("group %+v", g)
	}
	want := engine.MemberSpec{Extension: "1001", Skill: 2, Delay: 5 * time.Second, Timeout: 10 * time.Second}
	if g.Members[0] != want || g.Members[1] != (engine.MemberSpec{ExtGroup: "support"}) {
		t.Errorf("members %+v", g.Members)
	}
	if d := g.OnNoAgent; d != (engine.DestinationSpec{Type: engine.DestPlayGreeting, Value: "closed.wav"}) {
		t.Errorf("on_no_agent %+v", d)
	}
}

func TestProblemsError(t *testing.T) {
	ps := Problems{{Message: "yaml: bad", Line: 3}, {Path: "sip.domain", Message: "required"}, {Path: "log", Message: "x", Line: 9}}
	want := "yaml: bad (line 3)\nsip.domain: required\nlog: x (line 9)"
	if ps.Error() != want {
		t.Errorf("got %q", ps.Error())
	}
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
	_, _, err := Load(writeFile(t, ""))
	if err == nil || !strings.HasPrefix(err.Error(), "sip.listen: at least one listen URI is required") {
		t.Errorf("empty file: %v", err)
	}
}

// The example of SPEC §6 is a valid config file.
func TestSpecExample(t *testing.T) {
	c := mustLoad(t, `
sip:
  listen: ["udp://127.0.0.1:5060", "tcp://127.0.0.1:5060"]
  domain: ringd.local
  trusted: ["127.0.0.0/8"]
http:
  listen: 127.0.0.1:8080
  tokens: ["change-me"]         # static bearer tokens for the admin API
  users: [{ username: admin, password: change-me }]   # for token issuing (get_token)
store: "sqlite:ringd.db"          # sqlite:PATH (default) | memory: | postgres://...
prompts_dir: ./prompts
services:
  trunk: "sip:{number}@127.0.0.1:5080"
  ext_vm: "sip:vm-{value}@127.0.0.1:5090"
log: { level: info, format: json }
extensions:        # optional provisioning, upserted by number at start
  - { number: "1001", name: Alice, password: secret1 }
  - { number: "1002", name: Bob, password: secret2, contact: "sip:1002@127.0.0.1:5072" }
extension_groups:
  - { name: support, extensions: ["1001", "1002"] }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    ring_time: 20
    members: [{ extension: "1001" }, { ext_group: support }]
    on_no_answer: { dest: extension, value: "1002" }
schedules: []
`)
	if c.PromptsDir != "./prompts" || c.Services.ExtVM != "sip:vm-{value}@127.0.0.1:5090" || len(c.TrustedPrefixes()) != 1 {
		t.Errorf("config %+v", c)
	}
}
