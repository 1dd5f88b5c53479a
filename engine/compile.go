package engine

import (
	"errors"
	"strconv"

	"github.com/ringd/ringd/strategy"
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
			noAnswer: diversion(e.Number, c.spec.Domain, ReasonNoAnswer)}
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
	if spec.WrapUp < 0 || spec.WrapUp > MaxRest {
		c.fail(at+".wrap_up", "must be 0-3600 s, got "+strconv.Itoa(int(spec.WrapUp.Seconds()))+"s")
	}
	if spec.RejectCooldown < 0 || spec.RejectCooldown > MaxRest {
		c.fail(at+".reject_cooldown", "must be 0-3600 s, got "+strconv.Itoa(int(spec.RejectCooldown.Seconds()))+"s")
	}
	if spec.Repeats < 0 || spec.Repeats > MaxRepeats {
		c.fail(at+".repeats", "must be 0-10, got "+strconv.Itoa(spec.Repeats))
	}
	if !validCIDPrefix(spec.CIDNamePrefix) {
		c.fail(at+".cid_name_prefix", "must be at most 16 characters, without quotes, backslashes or control characters")
	}
	entries := make([]strategy.Entry, 0, len(spec.Members))
	beforeMembers := len(c.errs)
	for j, m := range spec.Members {
		mat := index(at+".members", j)
		e := strategy.Entry{Skill: m.Skill, Delay: m.Delay, Timeout: m.Timeout, Weight: m.Weight}
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
		CIDNamePrefix: spec.CIDNamePrefix, SilentCancel: spec.SilentCancel, Repeats: spec.Repeats,
		WrapUp: int64(spec.WrapUp), RejectCooldown: int64(spec.RejectCooldown),
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

// groupHeaders renders, once per configuration, the headers every leg of a
// group carries.
func groupHeaders(g *GroupSpec, paging bool, domain string) []Header {
	var h []Header
	identity := quoted(g.Name) + " " + sipURI(g.Number, domain)
	if g.PAI {
		h = append(h, Header{HeaderPAI, identity})
	}
	if g.RPID {
		h = append(h, Header{HeaderRPID, identity + rpidParams})
	}
	switch {
	case paging:
		h = append(h,
			Header{HeaderCallInfo, "<sip:" + domain + ">" + pagingAnswerAfter0},
			Header{HeaderAlertInfo, pagingAlertInfo})
	case g.AlertInfo != "":
		h = append(h, Header{HeaderAlertInfo, alertInfoURI + ";info=" + g.AlertInfo})
	}
	return h
}
