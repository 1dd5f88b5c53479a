package engine

import (
	"errors"
	"strconv"
	"time"

	"github.com/ringd/ringd/strategy"
)

// GroupID is the dense, stable identity of a ring group (see Compile).
type GroupID int32

// Spec is the definition of everything the engine routes: what the config
// file and the store provide, already parsed (defaults applied by the
// caller). Compile checks it and turns it into a Snapshot.
type Spec struct {
	Domain          string
	Extensions      []ExtensionSpec
	ExtensionGroups []ExtensionGroupSpec
	Groups          []GroupSpec
	// Services are the URI templates of the destinations that leave ringd,
	// by destination type: DestExternalNum is the trunk, filled in at
	// {number}; DestExtVM, DestGroupVM, DestIVR, DestCallFlow and DestQueue
	// are filled in at {value}. A type without a template is not
	// configured.
	Services map[DestType]string
	// ExtensionRingTime is how long a call to an extension rings its
	// contacts before it is given up (0: DefaultExtensionRingTime).
	ExtensionRingTime time.Duration
	// ServiceRingTime is how long a failover leg (to an extension, the
	// trunk or a service) and a call through a service (voicemail) ring
	// before they are given up (0: DefaultServiceRingTime).
	ServiceRingTime time.Duration
}

// ExtensionSpec is an extension as far as routing cares.
type ExtensionSpec struct {
	Number, Name string
	// SeqRing is the extension's enabled sequential ring, nil for none.
	SeqRing *SeqRingSpec
}

// ExtensionGroupSpec names a list of extensions (SPEC §1).
type ExtensionGroupSpec struct {
	Name       string
	Extensions []string
}

// MemberSpec is one ring-group member entry: Extension or ExtGroup, not both.
type MemberSpec struct {
	Extension string
	ExtGroup  string
	Skill     int           // skill_level, >= 1 (0 means 1)
	Delay     time.Duration // custom
	Timeout   time.Duration // custom; 0 means the group's ring time
}

// DestinationSpec is a failover destination as configured: {dest, value, prefix}
// plus the repeat count of play_greeting.
type DestinationSpec struct {
	Type   DestType
	Value  string
	Prefix string
	Repeat int
}

// GroupSpec is a ring group of SPEC §3.
type GroupSpec struct {
	Number, Name string
	Strategy     strategy.Kind
	RingTime     time.Duration
	SkipBusy     bool
	PAI, RPID    bool
	ToExtension  bool
	AlertInfo    string
	RecordMissed bool
	Members      []MemberSpec
	OnNoAnswer   DestinationSpec
	OnNoAgent    DestinationSpec
	// OutOfSchedule applies when Schedule is set and closed.
	OutOfSchedule DestinationSpec
	Schedule      Schedule
}

// Snapshot is a compiled, immutable routing configuration. A call keeps the
// snapshot it arrived with until it ends; Engine.SetSnapshot applies a new one
// to later calls.
//
// IDs are stable across snapshots compiled from one another: an extension or
// group keeps its ID as long as its number exists, so member state and
// per-group memory carry over. Removed numbers leave holes (zero entries).
type Snapshot struct {
	Domain     string
	Extensions []Extension // by ExtID
	Groups     []Group     // by GroupID

	extensionRing, serviceRing int64 // ring times in ns (Spec.ExtensionRingTime, ServiceRingTime)

	extByNumber   map[string]strategy.ExtID
	groupByNumber map[string]GroupID
}

// Extension is a compiled extension. Number is "" for a removed ID.
type Extension struct {
	Number, Name string
	ToURI        string // "<sip:NUMBER@DOMAIN>", the To of legs when to_extension is on
	// Voicemail is the URI a call nobody takes goes to (services.ext_vm
	// with {value} = the number), "" without that service.
	Voicemail string

	seq *seqRing // enabled sequential ring, nil for none
	// noAnswer is the Diversion value of the voicemail leg: this extension,
	// reason no-answer.
	noAnswer string
}

// Group is a compiled ring group. Plan is nil for a removed ID.
type Group struct {
	ID           GroupID
	Number, Name string
	Plan         *strategy.Group
	Headers      []Header // on every leg to a member, rendered once
	ToExtension  bool
	RecordMissed bool
	Schedule     Schedule // nil: always open

	OnNoAnswer, OnNoAgent, OutOfSchedule Destination

	diversion [4]string // Diversion header value by FailoverReason
}

// Extension looks up an extension by number.
func (s *Snapshot) Extension(number string) (strategy.ExtID, bool) {
	id, ok := s.extByNumber[number]
	return id, ok
}

// Group looks up a ring group by number.
func (s *Snapshot) Group(number string) (GroupID, bool) {
	id, ok := s.groupByNumber[number]
	return id, ok
}

// group returns the live group with this ID, or nil.
func (s *Snapshot) group(id GroupID) *Group {
	if id < 0 || int(id) >= len(s.Groups) || s.Groups[id].Plan == nil {
		return nil
	}
	return &s.Groups[id]
}

// destination picks the group's destination for a failover reason.
func (g *Group) destination(r FailoverReason) *Destination {
	switch r {
	case ReasonNoAgent:
		return &g.OnNoAgent
	case ReasonOutOfSchedule:
		return &g.OutOfSchedule
	}
	return &g.OnNoAnswer
}

// Limits of SPEC §1 and §3 that the engine checks.
const (
	MaxNameLen      = 127
	MaxAlertInfoLen = 31
	MaxPrefixLen    = 7
	MaxRepeat       = 5
)

// Compile checks spec and builds a Snapshot, keeping the IDs that prev (may
// be nil) gave to numbers that still exist. Every problem is reported at
// once as FieldErrors, each with its path in the config file's terms
// (Path `ring_groups[0].members[1].extension`, Message `unknown extension
// "1009"`).
func Compile(spec Spec, prev *Snapshot) (*Snapshot, error) {
	c := compiler{spec: &spec, prev: prev, s: &Snapshot{
		Domain:        spec.Domain,
		extByNumber:   make(map[string]strategy.ExtID, len(spec.Extensions)),
		groupByNumber: make(map[string]GroupID, len(spec.Groups)),
	}}
	if spec.Domain == "" {
		c.fail("domain", "required")
	}
	c.extensions()
	c.extensionRouting()
	extGroups := c.extensionGroups()
	numberProblems := c.assignGroupIDs()
	for i := range spec.Groups {
		c.group(i, extGroups, numberProblems[i])
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return c.s, nil
}

type compiler struct {
	spec *Spec
	prev *Snapshot
	s    *Snapshot
	errs FieldErrors
}

func (c *compiler) fail(path, msg string) {
	c.errs = append(c.errs, FieldError{Path: path, Message: msg})
}

func index(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

// under puts a path relative to at below it.
func under(at, path string) string {
	if path == "" {
		return at
	}
	return at + "." + path
}

// ValidNumber reports whether s is an extension or group number of SPEC
// §1/§3: 3-64 digits.
func ValidNumber(s string) bool {
	return len(s) >= 3 && validChars(s, 64, func(b byte) bool { return b >= '0' && b <= '9' })
}

func (c *compiler) extensions() {
	next := 0
	if c.prev != nil {
		next = len(c.prev.Extensions)
	}
	exts := make([]Extension, next, next+len(c.spec.Extensions))
	for i, e := range c.spec.Extensions {
		at := index("extensions", i)
		if !ValidNumber(e.Number) {
			c.fail(at+".number", "must be 3-64 digits, got "+strconv.Quote(e.Number))
			continue
		}
		if _, dup := c.s.extByNumber[e.Number]; dup {
			c.fail(at+".number", "duplicate extension "+strconv.Quote(e.Number))
			continue
		}
		if len(e.Name) > MaxNameLen {
			c.fail(at+".name", "longer than 127 characters")
		}
		id, ok := strategy.ExtID(0), false
		if c.prev != nil {
			id, ok = c.prev.extByNumber[e.Number]
		}
		if !ok {
			id = strategy.ExtID(len(exts))
			exts = append(exts, Extension{})
		}
		exts[id] = Extension{Number: e.Number, Name: e.Name, ToURI: sipURI(e.Number, c.spec.Domain),
			noAnswer: sipURI(e.Number, c.spec.Domain) + ";reason=no-answer"}
		c.s.extByNumber[e.Number] = id
	}
	c.s.Extensions = exts
}

func (c *compiler) extensionGroups() map[string][]strategy.ExtID {
	out := make(map[string][]strategy.ExtID, len(c.spec.ExtensionGroups))
	for i, eg := range c.spec.ExtensionGroups {
		at := index("extension_groups", i)
		if eg.Name == "" {
			c.fail(at+".name", "required")
			continue
		}
		if _, dup := out[eg.Name]; dup {
			c.fail(at+".name", "duplicate extension group "+strconv.Quote(eg.Name))
			continue
		}
		ids := make([]strategy.ExtID, 0, len(eg.Extensions))
		for j, num := range eg.Extensions {
			id, ok := c.s.extByNumber[num]
			if !ok {
				c.fail(index(at+".extensions", j), "unknown extension "+strconv.Quote(num))
				continue
			}
			ids = append(ids, id)
		}
		out[eg.Name] = ids
	}
	return out
}

// assignGroupIDs gives every valid, unique group number its ID before any
// group is compiled, so that ring_group destinations can refer forward.
// Problems with numbers are kept for group() to report in order.
func (c *compiler) assignGroupIDs() []string {
	next := 0
	if c.prev != nil {
		next = len(c.prev.Groups)
	}
	problems := make([]string, len(c.spec.Groups))
	c.s.Groups = make([]Group, next, next+len(c.spec.Groups))
	for i, g := range c.spec.Groups {
		if !ValidNumber(g.Number) {
			problems[i] = "must be 3-64 digits, got " + strconv.Quote(g.Number)
			continue
		}
		_, dupGroup := c.s.groupByNumber[g.Number]
		_, dupExt := c.s.extByNumber[g.Number]
		if dupGroup || dupExt {
			problems[i] = "number " + strconv.Quote(g.Number) + " is already used by another group or extension"
			continue
		}
		id, ok := GroupID(0), false
		if c.prev != nil {
			id, ok = c.prev.groupByNumber[g.Number]
		}
		if !ok {
			id = GroupID(len(c.s.Groups))
			c.s.Groups = append(c.s.Groups, Group{})
		}
		c.s.groupByNumber[g.Number] = id
	}
	return problems
}

func (c *compiler) group(i int, extGroups map[string][]strategy.ExtID, numberProblem string) {
	spec := &c.spec.Groups[i]
	at := index("ring_groups", i)
	n := len(c.errs)
	if numberProblem != "" {
		c.fail(at+".number", numberProblem)
	}
	if spec.Name == "" || len(spec.Name) > MaxNameLen {
		c.fail(at+".name", "must be 1-127 characters")
	}
	if !validAlertInfo(spec.AlertInfo) {
		c.fail(at+".alert_info", "must be at most 31 characters of A-Z a-z 0-9 space _ -")
	}
	entries := make([]strategy.Entry, 0, len(spec.Members))
	beforeMembers := len(c.errs)
	for j, m := range spec.Members {
		mat := index(at+".members", j)
		e := strategy.Entry{Skill: m.Skill, Delay: m.Delay, Timeout: m.Timeout}
		switch {
		case (m.Extension == "") == (m.ExtGroup == ""):
			c.fail(mat, "exactly one of extension and ext_group is required")
		case m.Extension != "":
			if ext, ok := c.s.extByNumber[m.Extension]; ok {
				e.Exts = []strategy.ExtID{ext}
			} else {
				c.fail(mat+".extension", "unknown extension "+strconv.Quote(m.Extension))
			}
		default:
			if exts, ok := extGroups[m.ExtGroup]; ok {
				e.Exts = exts
			} else {
				c.fail(mat+".ext_group", "unknown extension group "+strconv.Quote(m.ExtGroup))
			}
		}
		entries = append(entries, e)
	}
	refsFailed := len(c.errs) > beforeMembers
	plan, err := strategy.NewGroup(spec.Strategy, spec.RingTime, spec.SkipBusy, entries)
	if err != nil {
		var problems strategy.FieldErrors
		if !errors.As(err, &problems) {
			problems = strategy.FieldErrors{{Message: err.Error()}}
		}
		for _, p := range problems {
			if refsFailed && p == strategy.ErrNoMembers {
				continue // the unknown members are reported already
			}
			c.fail(under(at, p.Path), p.Message)
		}
	}
	g := Group{
		ID: c.s.groupByNumber[spec.Number], Number: spec.Number, Name: spec.Name, Plan: plan,
		Headers:     groupHeaders(spec, spec.Strategy == strategy.PagingIntercom, c.spec.Domain),
		ToExtension: spec.ToExtension, RecordMissed: spec.RecordMissed, Schedule: spec.Schedule,
		OnNoAnswer:    c.destination(at+".on_no_answer", spec.OnNoAnswer, spec.Number),
		OnNoAgent:     c.destination(at+".on_no_agent", spec.OnNoAgent, spec.Number),
		OutOfSchedule: c.destination(at+".out_of_schedule", spec.OutOfSchedule, spec.Number),
	}
	for r := ReasonNoAnswer; r <= ReasonOutOfSchedule; r++ {
		g.diversion[r] = diversion(spec.Number, c.spec.Domain, r)
	}
	if len(c.errs) == n {
		c.s.Groups[c.s.groupByNumber[spec.Number]] = g
	}
}

func validAlertInfo(s string) bool {
	return s == "" || validChars(s, MaxAlertInfoLen, func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == ' ' || b == '_' || b == '-'
	})
}

// validToken reports whether s is safe to put into a URI template: 1-64 of
// A-Z a-z 0-9 . _ + * # -.
func validToken(s string) bool {
	return validChars(s, 64, func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '.' || b == '_' || b == '+' || b == '*' || b == '#' || b == '-'
	})
}

// validDial reports whether s is dialable: 1-max of 0-9 + * #.
func validDial(s string, max int) bool {
	return validChars(s, max, func(b byte) bool { return b >= '0' && b <= '9' || b == '+' || b == '*' || b == '#' })
}

func validChars(s string, max int, ok func(byte) bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func (c *compiler) destination(at string, d DestinationSpec, self string) Destination {
	out := Destination{Type: d.Type, Value: d.Value, Prefix: d.Prefix, Repeat: d.Repeat, Group: -1}
	switch d.Type {
	case DestEndCall:
	case DestExtension:
		if _, ok := c.s.extByNumber[d.Value]; !ok {
			c.fail(at+".value", "unknown extension "+strconv.Quote(d.Value))
		}
	case DestRingGroup:
		id, ok := c.s.groupByNumber[d.Value]
		switch {
		case d.Value == self:
			c.fail(at+".value", "a ring group cannot fail over to itself")
		case !ok:
			c.fail(at+".value", "unknown ring group "+strconv.Quote(d.Value))
		}
		out.Group = id
	case DestExternalNum:
		if !validDial(d.Value, 64) {
			c.fail(at+".value", "must be a number (1-64 of 0-9 + * #), got "+strconv.Quote(d.Value))
		}
		if d.Prefix != "" && !validDial(d.Prefix, MaxPrefixLen) {
			c.fail(at+".prefix", "must be at most 7 characters of 0-9 + * #")
		}
		out.Number = d.Prefix + d.Value
		out.URI = c.serviceURI(DestExternalNum, out.Number)
	case DestExtVM, DestGroupVM, DestIVR, DestCallFlow, DestQueue:
		if !validToken(d.Value) {
			c.fail(at+".value", "must be 1-64 of A-Z a-z 0-9 . _ + * # -, got "+strconv.Quote(d.Value))
		}
		out.URI = c.serviceURI(d.Type, d.Value)
	case DestPlayGreeting:
		if d.Value == "" || len(d.Value) > 255 {
			c.fail(at+".value", "prompt file required (at most 255 characters)")
		}
		if d.Repeat < 0 || d.Repeat > MaxRepeat {
			c.fail(at+".prefix", "repeat count must be 0-5, got "+strconv.Itoa(d.Repeat))
		}
	default:
		c.fail(at+".dest", "unknown destination type")
	}
	return out
}
