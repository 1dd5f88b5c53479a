package engine

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// Scripted scenarios (testdata/*.txt), in the manner of etcd-io/raft's
// interaction tests. A file is a sequence of blocks:
//
//	COMMAND [ARGS]        the command, optionally prefixed by "at SECONDS"
//	[body lines]          (config only)
//	----
//	expected output       every action the engine emitted, one per line
//	<blank line>
//
// Run `go test ./engine -run TestScripts -update` to rewrite the expected
// output after a deliberate change, then read the diff.
var update = flag.Bool("update", false, "rewrite the expected output of engine/testdata scripts")

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScript(t, f) })
	}
}

type block struct {
	comment []string // comment lines before the command, kept on -update
	line    int
	command string
	body    []string
	want    string
}

func parseScript(t *testing.T, data string) []block {
	var blocks []block
	var comment []string
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "#") {
			comment = append(comment, l)
			continue
		}
		if strings.TrimSpace(l) == "" {
			if len(blocks) == 0 && len(comment) > 0 {
				comment = append(comment, "") // the file's opening comment stands apart
			}
			continue
		}
		b := block{comment: comment, line: i + 1, command: l}
		comment = nil
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			b.body = append(b.body, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("line %d: block without ----", b.line)
		}
		var want []string
		for i++; i < len(lines) && lines[i] != ""; i++ {
			want = append(want, lines[i])
		}
		b.want = strings.Join(want, "\n")
		blocks = append(blocks, b)
	}
	return blocks
}

func runScript(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks := parseScript(t, string(data))
	s := &scripter{t: t, calls: map[string]CallID{}, states: map[string]strategy.MemberState{}}
	var rewritten strings.Builder
	for _, b := range blocks {
		got := s.run(b)
		if *update {
			for _, l := range b.comment {
				rewritten.WriteString(l + "\n")
			}
			rewritten.WriteString(b.command + "\n")
			for _, l := range b.body {
				rewritten.WriteString(l + "\n")
			}
			rewritten.WriteString("----\n")
			if got != "" {
				rewritten.WriteString(got + "\n")
			}
			rewritten.WriteString("\n")
			continue
		}
		if got != b.want {
			t.Errorf("%s:%d: %s\n--- got:\n%s\n--- want:\n%s", path, b.line, b.command, got, b.want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(strings.TrimSuffix(rewritten.String(), "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scripter holds one script's engine, clock and names.
type scripter struct {
	t      *testing.T
	eng    *Engine
	now    int64
	calls  map[string]CallID
	names  []string // call names by order of arrival
	states map[string]strategy.MemberState
	out    []Action
}

func (s *scripter) fatalf(b block, format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("line %d: %s: "+format, append([]any{b.line, b.command}, args...)...)
}

func (s *scripter) run(b block) string {
	f := strings.Fields(b.command)
	if len(f) >= 2 && f[0] == "at" {
		at := seconds(s.t, f[1])
		if at < s.now {
			s.fatalf(b, "time goes backwards")
		}
		s.now = at
		f = f[2:]
	}
	if len(f) == 0 {
		s.fatalf(b, "no command")
	}
	if f[0] == "config" {
		return s.config(b)
	}
	if s.eng == nil {
		s.fatalf(b, "config first")
	}
	out := s.out[:0]
	arg := func(i int) string {
		if i >= len(f) {
			s.fatalf(b, "missing argument %d", i)
		}
		return f[i]
	}
	switch f[0] {
	case "arrive", "hold", "call":
		caller, wall := Caller{Name: "caller", Number: "caller"}, int64(0)
		for _, kv := range f[2:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "from":
				caller = ClassifyCaller(v, "")
				caller.Name = v
			case "anonymous":
				caller = ClassifyCaller("anonymous", "")
				caller.Name = "anonymous"
			case "wall":
				wall = seconds(s.t, v)
			default:
				s.fatalf(b, "unknown key %q", k)
			}
		}
		var id CallID
		switch f[0] {
		case "call":
			ext, ok := s.eng.Snapshot().Extension(arg(1))
			if !ok {
				ext = -1
			}
			id, out = s.eng.Call(s.now, wall, ext, caller, out)
		case "hold":
			id, out = s.eng.Hold(s.now, wall, s.group(arg(1)), caller, out)
		default:
			id, out = s.eng.Arrive(s.now, wall, s.group(arg(1)), caller, out)
		}
		if id == 0 {
			out = append(out, Action{Kind: 0}) // rendered as "refused"
		} else {
			name := "c" + strconv.Itoa(len(s.names)+1)
			s.names = append(s.names, name)
			s.calls[name] = id
		}
	case "ring", "answer", "fail":
		id, leg := s.leg(b, arg(1))
		switch f[0] {
		case "ring":
			code := 180
			if len(f) > 2 {
				code = atoi(s.t, f[2])
			}
			out = s.eng.Provisional(s.now, id, leg, code, out)
		case "answer":
			out = s.eng.Answered(s.now, id, leg, 200, out)
		case "fail":
			out = s.eng.Failed(s.now, id, leg, atoi(s.t, arg(2)), out)
		}
	case "start":
		out = s.eng.Start(s.now, s.call(b, arg(1)), out)
	case "cancel":
		out = s.eng.CallerCancel(s.now, s.call(b, arg(1)), out)
	case "hangup":
		out = s.eng.Hangup(s.now, s.call(b, arg(1)), out)
	case "pickup": // pickup cN EXT
		ext, ok := s.eng.Snapshot().Extension(arg(2))
		if !ok {
			s.fatalf(b, "unknown extension %s", arg(2))
		}
		out = s.eng.Pickup(s.now, s.call(b, arg(1)), ext, out)
	case "abort":
		out = s.eng.Abort(s.now, s.call(b, arg(1)), atoi(s.t, arg(2)), out)
	case "tick":
		out = s.eng.Tick(s.now, out)
	case "next":
		at, ok := s.eng.NextDeadline()
		if !ok {
			return "no deadline"
		}
		return "next " + secs(at)
	case "online", "offline", "busy", "free", "dnd", "undnd", "logout", "login":
		for _, num := range f[1:] {
			ext, ok := s.eng.Snapshot().Extension(num)
			if !ok {
				s.fatalf(b, "unknown extension %s", num)
			}
			st := s.states[num]
			switch f[0] {
			case "online":
				st |= strategy.Online
			case "offline":
				st &^= strategy.Online
			case "busy":
				st |= strategy.Busy
			case "free":
				st &^= strategy.Busy
			case "dnd":
				st |= strategy.DND
			case "undnd":
				st &^= strategy.DND
			case "logout":
				st |= strategy.LoggedOut
			case "login":
				st &^= strategy.LoggedOut
			}
			s.states[num] = st
			out = s.eng.SetMember(s.now, ext, st, out)
		}
	default:
		s.fatalf(b, "unknown command")
	}
	s.out = out
	return s.render(out)
}

// group is the ID of group number, or -1.
func (s *scripter) group(number string) GroupID {
	if gid, ok := s.eng.Snapshot().Group(number); ok {
		return gid
	}
	return -1
}

func (s *scripter) call(b block, name string) CallID {
	id, ok := s.calls[name]
	if !ok {
		s.fatalf(b, "unknown call %s", name)
	}
	return id
}

// leg parses "c1/2".
func (s *scripter) leg(b block, ref string) (CallID, int) {
	name, leg, ok := strings.Cut(ref, "/")
	if !ok {
		s.fatalf(b, "want CALL/LEG, got %s", ref)
	}
	return s.call(b, name), atoi(s.t, leg)
}

func (s *scripter) callName(id CallID) string {
	for _, n := range s.names {
		if s.calls[n] == id {
			return n
		}
	}
	return "c?"
}

func (s *scripter) render(out []Action) string {
	var b strings.Builder
	for i, a := range out {
		if i > 0 {
			b.WriteByte('\n')
		}
		if a.Kind == 0 {
			b.WriteString("refused: no such group or extension")
			continue
		}
		b.WriteString("@" + secs(a.At) + " " + s.callName(a.Call) + " " + a.Kind.String())
		snap := s.eng.Snapshot()
		switch a.Kind {
		case ActStartLeg:
			b.WriteString(" " + strconv.Itoa(a.Leg) + " ")
			if a.Ext >= 0 {
				b.WriteString(snap.Extensions[a.Ext].Number)
			} else {
				b.WriteString(a.URI)
			}
			if a.Group >= 0 {
				b.WriteString(" group=" + snap.Groups[a.Group].Number)
			}
			for _, h := range a.Headers {
				b.WriteString("\n    " + h.Name + ": " + h.Value)
			}
			if a.Diversion != "" {
				b.WriteString("\n    Diversion: " + a.Diversion)
			}
			if a.To != "" {
				b.WriteString("\n    To: " + a.To)
			}
		case ActCancelLeg:
			b.WriteString(" " + strconv.Itoa(a.Leg) + " " + a.Cancel.String())
			if h := a.Cancel.Header(); h != "" {
				b.WriteString("\n    Reason: " + h)
			}
		case ActForwardProvisional:
			b.WriteString(" " + strconv.Itoa(a.Leg) + " " + strconv.Itoa(a.Code))
		case ActAnswerCaller, ActJoinPage, ActReleaseLeg:
			b.WriteString(" " + strconv.Itoa(a.Leg))
		case ActPickup:
			b.WriteString(" by " + snap.Extensions[a.Ext].Number)
		case ActRespondCaller:
			b.WriteString(" " + strconv.Itoa(a.Code))
		case ActFailover:
			b.WriteString(" " + snap.Groups[a.Group].Number + " " + a.Reason.String() + " -> " + destString(a.Dest))
			b.WriteString("\n    Diversion: " + a.Diversion)
		case ActRecord:
			b.WriteString(" " + recordString(a.Record))
		}
	}
	return b.String()
}

func destString(d *Destination) string {
	s := d.Type.String()
	if d.Value != "" {
		s += ":" + d.Value
	}
	if d.Number != "" && d.Number != d.Value {
		s += " number=" + d.Number
	}
	return s
}

func recordString(r *CallRecord) string {
	snap := r.Snapshot
	var b strings.Builder
	b.WriteString(r.Outcome.String() + " group=" + snap.Groups[r.Group].Number)
	if r.LastGroup != r.Group {
		b.WriteString(" last=" + snap.Groups[r.LastGroup].Number)
	}
	b.WriteString(" caller=" + r.Caller + " " + secs(r.Start) + "-" + secs(r.End))
	switch {
	case r.AnsweredBy >= 0:
		b.WriteString(" answered_by=" + snap.Extensions[r.AnsweredBy].Number + " at " + secs(r.Answer))
	case r.Answered:
		b.WriteString(" answered at " + secs(r.Answer))
	}
	if r.Failover != nil {
		b.WriteString(" failover=" + destString(r.Failover) + " (" + r.FailoverReason.String() + ")")
	}
	if r.Missed {
		b.WriteString(" missed")
	}
	for i, l := range r.Legs {
		target := l.URI
		if l.Ext >= 0 {
			target = snap.Extensions[l.Ext].Number
		}
		if l.Group >= 0 {
			target += "@" + snap.Groups[l.Group].Number
		}
		b.WriteString("\n    leg " + strconv.Itoa(i) + " " + target +
			" " + secs(l.Start) + "-" + secs(l.End) + " " + l.Result.String() + " " + strconv.Itoa(l.Code))
	}
	return b.String()
}

// secs renders engine time as seconds: "23s", "4.1s".
func secs(ns int64) string {
	if ns%int64(time.Second) == 0 {
		return strconv.FormatInt(ns/int64(time.Second), 10) + "s"
	}
	return strconv.FormatFloat(float64(ns)/float64(time.Second), 'f', -1, 64) + "s"
}

// seconds parses "4.1" (seconds) or a Go duration ("1500ms").
func seconds(t *testing.T, s string) int64 {
	t.Helper()
	if !strings.ContainsAny(s, "hmsun") {
		s += "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad time %q", s)
	}
	return int64(d)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return n
}

// fixedSchedule is a Schedule that is always open or always closed.
type fixedSchedule bool

func (f fixedSchedule) Open(int64) bool { return bool(f) }

// config compiles the block body into a snapshot and applies it:
//
//	domain ringd.local
//	ext 1001 1002 ...
//	extgroup NAME 1001,1002
//	service TYPE TEMPLATE      (external_num is the trunk: sip:{number}@...)
//	ring_time extension=S service=S
//	seqring EXT [base_first] [base=S] numbers=N[/S],... criteria=C,...
//	        (C: ring | noring | from:NUMBER | anonymous, each a criterion)
//	group NUMBER STRATEGY [name=..] [ring_time=S] [skip_busy=false] [pai] [rpid]
//	      [to_ext] [alert=KW] [record_missed] [repeats=N] [wrap_up=S]
//	      [reject_cooldown=S] [schedule=open|closed]
//	      [members=1001,g:support,1002/s2/d5/t10]
//	      [no_answer=TYPE:VALUE[:PREFIX]] [no_agent=...] [oos=...]
func (s *scripter) config(b block) string {
	spec := Spec{Domain: "ringd.local"}
	for _, l := range b.body {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "domain":
			spec.Domain = f[1]
		case "ext":
			for _, n := range f[1:] {
				spec.Extensions = append(spec.Extensions, ExtensionSpec{Number: n, Name: "Ext " + n})
			}
		case "extgroup":
			spec.ExtensionGroups = append(spec.ExtensionGroups, ExtensionGroupSpec{Name: f[1], Extensions: splitList(f[2])})
		case "service":
			typ, ok := ParseDestType(f[1])
			if !ok || len(f) != 3 {
				s.fatalf(b, "service TYPE TEMPLATE")
			}
			if spec.Services == nil {
				spec.Services = map[DestType]string{}
			}
			spec.Services[typ] = f[2]
		case "ring_time":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				d := time.Duration(seconds(s.t, v))
				switch k {
				case "extension":
					spec.ExtensionRingTime = d
				case "service":
					spec.ServiceRingTime = d
				default:
					s.fatalf(b, "unknown ring time %q", k)
				}
			}
		case "seqring":
			s.seqRing(b, &spec, f[1:])
		case "group":
			spec.Groups = append(spec.Groups, s.groupSpec(b, f))
		default:
			s.fatalf(b, "unknown config line %q", l)
		}
	}
	var prev *Snapshot
	if s.eng != nil {
		prev = s.eng.Snapshot()
	}
	snap, err := Compile(spec, prev)
	if err != nil {
		return "error:\n" + err.Error()
	}
	if s.eng == nil {
		s.eng = New(snap)
	} else {
		s.eng.SetSnapshot(snap)
	}
	return "ok"
}

// seqRing parses a seqring line onto its extension, which must come first.
func (s *scripter) seqRing(b block, spec *Spec, f []string) {
	var ext *ExtensionSpec
	for i := range spec.Extensions {
		if spec.Extensions[i].Number == f[0] {
			ext = &spec.Extensions[i]
		}
	}
	if ext == nil {
		s.fatalf(b, "seqring for unknown extension %s", f[0])
	}
	seq := &SeqRingSpec{}
	for _, kv := range f[1:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "base_first":
			seq.RingBaseFirst = true
		case "base":
			seq.BaseRingTime = time.Duration(seconds(s.t, v))
		case "numbers":
			for _, n := range splitList(v) {
				num, ring, _ := strings.Cut(n, "/")
				sn := SeqNumberSpec{Number: num}
				if ring != "" {
					sn.RingTime = time.Duration(seconds(s.t, ring))
				}
				seq.Numbers = append(seq.Numbers, sn)
			}
		case "criteria":
			for _, c := range splitList(v) {
				cr := SeqCriterion{AnyCaller: true, Ring: true}
				switch {
				case c == "ring":
				case c == "noring":
					cr.Ring = false
				case c == "anonymous":
					cr.AnyCaller, cr.Anonymous = false, true
				case strings.HasPrefix(c, "from:"):
					cr.AnyCaller, cr.Numbers = false, []string{strings.TrimPrefix(c, "from:")}
				default:
					s.fatalf(b, "unknown criterion %q", c)
				}
				seq.Criteria = append(seq.Criteria, cr)
			}
		default:
			s.fatalf(b, "unknown seqring key %q", k)
		}
	}
	ext.SeqRing = seq
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (s *scripter) groupSpec(b block, f []string) GroupSpec {
	if len(f) < 3 {
		s.fatalf(b, "group NUMBER STRATEGY ...")
	}
	kind, ok := strategy.ParseKind(f[2])
	if !ok && f[2] != "invalid" {
		s.fatalf(b, "unknown strategy %s", f[2])
	}
	g := GroupSpec{Number: f[1], Name: "Group " + f[1], Strategy: kind, RingTime: 20 * time.Second, SkipBusy: true}
	for _, kv := range f[3:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "name":
			g.Name = strings.ReplaceAll(v, "_", " ")
		case "ring_time":
			g.RingTime = time.Duration(seconds(s.t, v))
		case "skip_busy":
			g.SkipBusy = v != "false"
		case "pai":
			g.PAI = true
		case "rpid":
			g.RPID = true
		case "to_ext":
			g.ToExtension = true
		case "alert":
			g.AlertInfo = v
		case "record_missed":
			g.RecordMissed = true
		case "repeats":
			g.Repeats = int(seconds(s.t, v) / int64(time.Second))
		case "wrap_up":
			g.WrapUp = time.Duration(seconds(s.t, v))
		case "reject_cooldown":
			g.RejectCooldown = time.Duration(seconds(s.t, v))
		case "schedule":
			g.Schedule = fixedSchedule(v == "open")
		case "members":
			for _, m := range splitList(v) {
				g.Members = append(g.Members, s.memberSpec(b, m))
			}
		case "no_answer", "no_agent", "oos":
			d := s.destSpec(b, v)
			switch k {
			case "no_answer":
				g.OnNoAnswer = d
			case "no_agent":
				g.OnNoAgent = d
			default:
				g.OutOfSchedule = d
			}
		default:
			s.fatalf(b, "unknown group key %q", k)
		}
	}
	return g
}

// memberSpec parses 1001, g:support, 1001/s2/d5/t10 (skill, delay, timeout).
func (s *scripter) memberSpec(b block, m string) MemberSpec {
	parts := strings.Split(m, "/")
	var ms MemberSpec
	if name, ok := strings.CutPrefix(parts[0], "g:"); ok {
		ms.ExtGroup = name
	} else {
		ms.Extension = parts[0]
	}
	for _, p := range parts[1:] {
		if p == "" {
			s.fatalf(b, "bad member %q", m)
		}
		switch p[0] {
		case 's':
			ms.Skill = atoi(s.t, p[1:])
		case 'd':
			ms.Delay = time.Duration(seconds(s.t, p[1:]))
		case 't':
			ms.Timeout = time.Duration(seconds(s.t, p[1:]))
		default:
			s.fatalf(b, "bad member %q", m)
		}
	}
	return ms
}

// destSpec parses TYPE[:VALUE[:PREFIX]]; for play_greeting PREFIX is the repeat count.
func (s *scripter) destSpec(b block, v string) DestinationSpec {
	parts := strings.SplitN(v, ":", 3)
	typ, ok := ParseDestType(parts[0])
	if !ok {
		s.fatalf(b, "unknown destination %q", parts[0])
	}
	d := DestinationSpec{Type: typ}
	if len(parts) > 1 {
		d.Value = parts[1]
	}
	if len(parts) > 2 {
		if typ == DestPlayGreeting {
			d.Repeat = atoi(s.t, parts[2])
		} else {
			d.Prefix = parts[2]
		}
	}
	return d
}
