package config

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// Unknown keys are errors at every depth, reported with path and line, all
// at once; the rest of the file is still checked.
func TestUnknownKeys(t *testing.T) {
	got := loadProblems(t, `sip:
  listen: ["udp://127.0.0.1:5060"]
  domain: ringd.local
  realm: ringd.local
htpp: { listen: 127.0.0.1:8080 }
log: { level: info, colour: true }
extensions:
  - { number: "1001", password: a, voicemail: true }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    members: [{ extension: "1001", weigth: 2 }]
    on_no_answer: { dest: end_call, reason: busy }
schedules:
  - { name: s, type: holidays, timezone: UTC, dates: ["2026-12-25"], extra: 1 }
`)
	sameLines(t, got, []string{
		`sip.realm: unknown field (line 4)`,
		`log.colour: unknown field (line 6)`,
		`extensions[0].voicemail: unknown field (line 8)`,
		`ring_groups[0].members[0].weigth: unknown field (line 13)`,
		`ring_groups[0].on_no_answer.reason: unknown field (line 14)`,
		`schedules[0].extra: unknown field (line 16)`,
		`htpp: unknown field (line 5)`,
	})
}

// Values of the wrong shape or type, and duplicate keys, are reported with
// their path and line.
func TestDecodeProblems(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"syntax error", "sip:\n  domain: a: b\n", []string{
			`yaml: mapping values are not allowed in this context (line 2)`}},
		{"tab indentation", "sip:\n\tdomain: x\n", []string{
			`yaml: found character that cannot start any token (line 2)`}},
		{"not a mapping", "- just\n- a list\n", []string{
			`a config file is a mapping of sections (sip:, http:, ring_groups:, ...), found a list (line 1)`}},
		{"two documents", minimal + "---\nsip: {}\n", []string{
			`a config file holds one YAML document, found another (line 8)`}},
		{"list expected", strings.Replace(minimal, `listen: ["udp://127.0.0.1:5060"]`, `listen: "udp://127.0.0.1:5060"`, 1), []string{
			`sip.listen: must be a list, found "udp://127.0.0.1:5060" (line 2)`}},
		{"mapping expected", minimal + "log: json\n", []string{
			`log: must be a mapping of keys to values, found "json" (line 8)`}},
		{"scalar expected", minimal + "store: [a, b]\n", []string{
			`store: must be a single value, found a list (line 8)`}},
		{"bool expected", strings.Replace(minimal, "password: b", "password: b, dnd: maybe", 1), []string{
			`extensions[1].dnd: must be true or false, got "maybe" (line 5)`}},
		{"int expected", strings.Replace(minimal, "strategy: ring_all,", "strategy: ring_all, ring_time: 1.5,", 1), []string{
			`ring_groups[0].ring_time: must be a whole number, got "1.5" (line 7)`}},
		{"int out of range", strings.Replace(minimal, `{ extension: "1001" }`, `{ extension: "1001", delay: 99999999999 }`, 1), []string{
			`ring_groups[0].members[0].delay: number out of range: 99999999999 (line 7)`}},
		{"duplicate key", minimal + "store: \"memory:\"\nstore: \"memory:\"\n", []string{
			`store: duplicate key, first at line 8 (line 9)`}},
		{"alias and native name", strings.Replace(minimal, "strategy: ring_all,", "strategy: ring_all, ring_time: 20, ring_timeout: 30,", 1), []string{
			`ring_groups[0].ring_timeout: same field as ring_time, set at line 7 (line 7)`}},
		{"self-referencing alias", minimal + "prompts_dir: &p\n  a: *p\n", []string{
			`prompts_dir: must be a single value, found a mapping (line 8)`}},
		{"not a mapping, nothing more about it", minimal + "  - [a, b]\n", []string{
			`ring_groups[1]: must be a mapping of keys to values, found a list (line 8)`}},
		{"alias cycle through a merge", strings.Replace(minimal, "ring_groups:\n  - {", "ring_groups:\n  - &g { <<: *g, ", 1), []string{
			`ring_groups[0]: alias *g refers to itself (line 7)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { sameLines(t, loadProblems(t, tc.yaml), tc.want) })
	}
}

// A file of nested aliases ("billion laughs", here through merge keys)
// cannot make decoding take unbounded time or memory.
func TestAliasExpansionIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("sip: { listen: [\"udp://127.0.0.1:5060\"], domain: d.local }\nring_groups:\n  - &g0 { name: x }\n")
	for i := 1; i < 40; i++ {
		b.WriteString("  - &g" + itoa(i) + " { <<: [*g" + itoa(i-1) + ", *g" + itoa(i-1) + "] }\n")
	}
	start := time.Now()
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too many nodes reached through aliases") {
		t.Errorf("error: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// The aliases other PBX products use are accepted, for keys and strategies,
// and problems about them keep the name the file used.
func TestAliases(t *testing.T) {
	c := mustLoad(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions: [{ number: "1001", password: a }]
ring_groups:
  - { number: "6000", name: A, strategy: RING_SIMULTANEOUSLY, ring_timeout: 30, enb_miss_call: true,
      client_unique_ringtone: Ring1.mp3, members: [{ extension: "1001" }] }
  - { number: "6001", name: B, strategy: sequentially, members: [{ extension: "1001" }] }
  - { number: "6002", name: C, strategy: Skill_Based_Routing_Cyclic_Hunt, members: [{ extension: "1001" }] }
`)
	g := c.RingGroups[0]
	if g.RingTime != 30 || !g.RecordMissed || g.ClientRingtone != "Ring1.mp3" {
		t.Errorf("aliases not applied: %+v", g)
	}
	spec := c.Spec()
	for i, want := range []strategy.Kind{strategy.RingAll, strategy.PrioritizedHunt, strategy.SkillCyclicHunt} {
		if got := spec.Groups[i].Strategy; got != want {
			t.Errorf("group %d strategy %v, want %v", i, got, want)
		}
	}
	if spec.Groups[0].RingTime != 30*time.Second || !spec.Groups[0].RecordMissed {
		t.Errorf("spec %+v", spec.Groups[0])
	}

	got := loadProblems(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions: [{ number: "1001", password: a }]
ring_groups:
  - { number: "6000", name: A, strategy: ring_all, ring_timeout: 700, members: [{ extension: "1001" }] }
`)
	sameLines(t, got, []string{`ring_groups[0].ring_timeout: must be 1-600 s, got 700s`})
}

// Numbers may be written unquoted where the model has strings; quoted ones
// keep their leading zeros.
func TestNumbersWrittenUnquoted(t *testing.T) {
	c := mustLoad(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
services: { trunk: "sip:{number}@127.0.0.1:5080" }
extensions:
  - { number: 1001, password: 1234 }
  - { number: "0042", password: x }
extension_groups: [{ name: 7, extensions: [1001, "0042"] }]
ring_groups:
  - number: 6000
    name: 6000
    strategy: ring_all
    ring_time: "25"
    members: [{ extension: 1001 }, { ext_group: 7 }]
    on_no_answer: { dest: external_num, value: 0044123456, prefix: 9 }
    on_no_agent: { dest: play_greeting, value: closed.wav, prefix: 3 }
    out_of_schedule: { dest: extension, value: "0042" }
`)
	if e := c.Extensions[0]; e.Number != "1001" || e.Password != "1234" {
		t.Errorf("extension %+v", e)
	}
	if n := c.Extensions[1].Number; n != "0042" {
		t.Errorf("quoted number %q lost its zeros", n)
	}
	g := c.RingGroups[0]
	if g.Number != "6000" || g.Name != "6000" || g.RingTime != 25 || g.Members[0].Extension != "1001" || g.Members[1].ExtGroup != "7" {
		t.Errorf("group %+v", g)
	}
	spec := c.Spec()
	want := engine.DestinationSpec{Type: engine.DestExternalNum, Value: "0044123456", Prefix: "9"}
	if got := spec.Groups[0].OnNoAnswer; got != want {
		t.Errorf("on_no_answer %+v, want %+v", got, want)
	}
	want = engine.DestinationSpec{Type: engine.DestPlayGreeting, Value: "closed.wav", Repeat: 3}
	if got := spec.Groups[0].OnNoAgent; got != want {
		t.Errorf("on_no_agent %+v, want %+v", got, want)
	}
}

// Keys left out get the defaults of SPEC §3: ring_time 20, skip_busy true,
// end_call destinations, everything else zero; given values win.
func TestDefaults(t *testing.T) {
	c := mustLoad(t, minimal+`  - { number: "6001", name: B, strategy: ring_all, ring_time: 5, skip_busy: false, members: [{ extension: "1001" }] }
`)
	g := c.RingGroups[0]
	if g.Number != "6000" || g.RingTime != 20 || !g.SkipBusy || g.PAI || g.RPID || g.ToExtension || g.RecordMissed ||
		g.AlertInfo != "" || g.OnNoAnswer != (Destination{}) || g.OnNoAgent != (Destination{}) || g.Schedule != "" {
		t.Errorf("defaults %+v", g)
	}
	if g := c.RingGroups[1]; g.RingTime != 5 || g.SkipBusy {
		t.Errorf("given values lost: %+v", g)
	}
	spec := c.Spec().Groups[0]
	if spec.RingTime != 20*time.Second || !spec.SkipBusy || spec.OnNoAnswer.Type != engine.DestEndCall || spec.Members[0].Skill != 0 {
		t.Errorf("spec %+v", spec)
	}
	if NewRingGroup().RingTime != 20 || !NewRingGroup().SkipBusy {
		t.Error("NewRingGroup")
	}
	// A list entry written as null still gets the defaults.
	got := loadProblems(t, minimal+"  - ~\n")
	sameLines(t, got, []string{
		`ring_groups[1].number: must be 3-64 digits, got ""`,
		`ring_groups[1].name: must be 1-127 characters`,
		`ring_groups[1].strategy: required`,
		`ring_groups[1].members: at least one member is required`,
	})
}

// YAML anchors and merge keys work, explicit keys winning over merged ones.
func TestAnchorsAndMergeKeys(t *testing.T) {
	c := mustLoad(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions: [{ number: "1001", password: a }, { number: "1002", password: b }]
ring_groups:
  - &base { number: "6000", name: A, strategy: prioritized_hunt, ring_time: 15, skip_busy: false,
            members: &m [{ extension: "1001" }, { extension: "1002" }] }
  - { <<: *base, number: "6001", name: B, ring_time: 30 }
  - { number: "6002", name: C, strategy: ring_all, members: *m }
`)
	b := c.RingGroups[1]
	if b.Number != "6001" || b.RingTime != 30 || b.SkipBusy || b.Strategy != "prioritized_hunt" || len(b.Members) != 2 {
		t.Errorf("merged group %+v", b)
	}
	if len(c.RingGroups[2].Members) != 2 {
		t.Errorf("aliased members %+v", c.RingGroups[2].Members)
	}
}
