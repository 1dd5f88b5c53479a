package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

func TestQuotedDisplayNames(t *testing.T) {
	cases := map[string]string{
		`Sales`:           `"Sales"`,
		`Sales "East"`:    `"Sales \"East\""`,
		`back\slash`:      `"back\\slash"`,
		`Ünïcode Support`: `"Ünïcode Support"`,
	}
	for in, want := range cases {
		if got := quoted(in); got != want {
			t.Errorf("quoted(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestGroupHeadersAreByteExact(t *testing.T) {
	spec := Spec{Domain: "pbx.example.com", Extensions: []ExtensionSpec{{Number: "1001"}}, Groups: []GroupSpec{{
		Number: "6000", Name: `Sales "East"`, Strategy: strategy.RingAll, RingTime: 20 * time.Second,
		PAI: true, RPID: true, AlertInfo: "Bellcore-dr2", Members: []MemberSpec{{Extension: "1001"}},
	}}}
	snap, err := Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Header{
		{"P-Asserted-Identity", `"Sales \"East\"" <sip:6000@pbx.example.com>`},
		{"Remote-Party-ID", `"Sales \"East\"" <sip:6000@pbx.example.com>;party=calling;screen=yes;privacy=off`},
		{"Alert-Info", `<http://www.notused>;info=Bellcore-dr2`},
	}
	got := snap.Groups[0].Headers
	if len(got) != len(want) {
		t.Fatalf("headers %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("header %d: %q, want %q", i, got[i], want[i])
		}
	}
	if d := snap.Groups[0].diversion[ReasonOutOfSchedule]; d != "<sip:6000@pbx.example.com>;reason=time-of-day" {
		t.Errorf("diversion %q", d)
	}
	if to := snap.Extensions[0].ToURI; to != "<sip:1001@pbx.example.com>" {
		t.Errorf("To %q", to)
	}
}

func TestCompileKeepsIDsStable(t *testing.T) {
	mk := func(exts []string, groups ...string) Spec {
		s := Spec{Domain: "d.local"}
		for _, e := range exts {
			s.Extensions = append(s.Extensions, ExtensionSpec{Number: e})
		}
		for _, g := range groups {
			s.Groups = append(s.Groups, GroupSpec{Number: g, Name: g, Strategy: strategy.RingAll, RingTime: time.Second,
				Members: []MemberSpec{{Extension: exts[0]}}})
		}
		return s
	}
	a, err := Compile(mk([]string{"1001", "1002", "1003"}, "6000", "6001"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Reordered, 1002 and 6000 removed, 1004 and 6002 added.
	b, err := Compile(mk([]string{"1003", "1004", "1001"}, "6002", "6001"), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, num := range []string{"1001", "1003"} {
		ia, _ := a.Extension(num)
		ib, _ := b.Extension(num)
		if ia != ib {
			t.Errorf("extension %s moved from ID %d to %d", num, ia, ib)
		}
	}
	if _, ok := b.Extension("1002"); ok {
		t.Error("removed extension still resolves")
	}
	if id, _ := b.Extension("1004"); id != 3 || b.Extensions[1].Number != "" {
		t.Errorf("new extension got ID %d; removed ID 1 holds %q", id, b.Extensions[1].Number)
	}
	g1a, _ := a.Group("6001")
	g1b, _ := b.Group("6001")
	g2, _ := b.Group("6002")
	if g1a != g1b || g2 != 2 || b.group(0) != nil {
		t.Errorf("group IDs: 6001 %d -> %d, 6002 %d, removed 6000 live: %v", g1a, g1b, g2, b.group(0) != nil)
	}
	// The engine keeps member state by ID across the change.
	e := New(a)
	id1001, _ := a.Extension("1001")
	e.SetMember(0, id1001, strategy.Online, nil)
	e.SetSnapshot(b)
	if e.Member(id1001) != strategy.Online {
		t.Error("member state lost across SetSnapshot")
	}
	if id, _ := b.Extension("1004"); e.Member(id) != 0 {
		t.Error("a new extension must start offline")
	}
}

func TestParseDestType(t *testing.T) {
	for _, name := range []string{"end_call", "extension", "ring_group", "external_num", "ext_vm", "group_vm", "ivr", "call_flow", "queue", "play_greeting"} {
		d, ok := ParseDestType(name)
		if !ok || d.String() != name {
			t.Errorf("ParseDestType(%q) = %v, %v", name, d, ok)
		}
		if service := d >= DestExtVM && d <= DestQueue; d.Service() != service {
			t.Errorf("%s: Service %v", name, d.Service())
		}
	}
	if _, ok := ParseDestType("voicemail"); ok {
		t.Error("unknown destination accepted")
	}
}

func TestCompileRejectsEmptyDomain(t *testing.T) {
	_, err := Compile(Spec{}, nil)
	if err == nil || !strings.Contains(err.Error(), "domain: required") {
		t.Errorf("err = %v", err)
	}
}

func TestCompileReturnsFieldErrorsWithFullPaths(t *testing.T) {
	spec := Spec{Domain: "d.local", Extensions: []ExtensionSpec{{Number: "1001"}}, Groups: []GroupSpec{
		{Number: "6000", Name: "a", Strategy: strategy.RingAll, RingTime: 20 * time.Second,
			Members: []MemberSpec{{Extension: "1001", Delay: -time.Second}, {Extension: "1009"}}},
		{Number: "6001", Name: "b", Strategy: strategy.RingAll, RingTime: 20 * time.Second},
	}}
	_, err := Compile(spec, nil)
	var es FieldErrors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not FieldErrors", err)
	}
	want := FieldErrors{
		{Path: "ring_groups[0].members[1].extension", Message: `unknown extension "1009"`},
		{Path: "ring_groups[0].members[0].delay", Message: "must be 0-600 s, got -1s"},
		{Path: "ring_groups[1].members", Message: "at least one member is required"},
	}
	if !slices.Equal(es, want) {
		t.Errorf("got %q, want %q", es, want)
	}
}

func TestCompileLeavesOutNoMembersWhenMembersFailed(t *testing.T) {
	spec := Spec{Domain: "d.local", Groups: []GroupSpec{{Number: "6000", Name: "a", Strategy: strategy.RingAll,
		RingTime: 20 * time.Second, Members: []MemberSpec{{Extension: "1009"}}}}}
	_, err := Compile(spec, nil)
	var es FieldErrors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Path != "ring_groups[0].members[0].extension" {
		t.Errorf("got %v", err)
	}
}
