package strategy

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Limits of SPEC §3.
const (
	MinRingTime     = time.Second
	MaxRingTime     = 600 * time.Second
	DefaultRingTime = 20 * time.Second
	MaxDelay        = 600 * time.Second // custom delay and timeout
	MaxWeight       = 100               // weighted_hunt
	MinSkillLevel   = 1
)

// Entry is one member entry of a ring-group definition: a single extension,
// or an extension group already resolved to its extensions in listed order.
// The entry's skill level, delay and timeout apply to each of them.
type Entry struct {
	Exts    []ExtID
	Skill   int           // skill level, 1 = first; 0 means 1
	Delay   time.Duration // when these members start ringing, from their step's start
	Timeout time.Duration // how long they ring; 0 means the group's ring time
	Weight  int           // weighted_hunt: 1-100; 0 means 1
}

// Member is one ring-group member after extension-group expansion.
type Member struct {
	Ext   ExtID
	Skill int           // skill level, 1 = first; 0 means 1
	Delay time.Duration // when this member starts ringing, from its step's start
	// Timeout is how long this member rings under custom; 0 means the
	// group's ring time.
	Timeout time.Duration
	Weight  int // weighted_hunt: its share of first rings, 1-100
}

// Group is a compiled, immutable ring-group definition: the members in
// configured order, de-duplicated, plus the skill tiers precomputed so that a
// plan decision never sorts.
type Group struct {
	Kind     Kind
	RingTime time.Duration
	SkipBusy bool
	Members  []Member

	exts       []ExtID     // per member: its extension, dense for the availability loop
	mask       MemberState // state bits that must read exactly Online for a member to be available
	listed     []slot      // configured order: members 0, 1, 2, ...
	level      []int32     // per member: dense rank of its skill level (0 = lowest level number)
	byDelay    []slot      // stable-sorted by custom delay
	bySkill    []slot      // stable-sorted by skill level
	pos        []int32     // per member: its position in bySkill (nil unless a skill strategy)
	levelStart []int32     // bySkill[levelStart[l]:levelStart[l+1]] is level l
	timed      bool        // a member has a delay or a timeout
}

// slot is one entry of a ring order: a member index with its extension
// beside it, so that walking an order is one sequential read.
type slot struct {
	m int32
	e ExtID
}

// ErrNoMembers is NewGroup's finding when the entries name no extension;
// errors.Is finds it in NewGroup's FieldErrors.
var ErrNoMembers = FieldError{Path: "members", Message: "at least one member is required"}

// NewGroup checks and compiles a group definition, expanding the entries in
// order. An extension may appear more than once (named directly and again
// through an extension group): the first occurrence wins, later ones are
// dropped. Every problem is reported at once as FieldErrors, each with its
// path relative to the group ("members[1].delay").
func NewGroup(kind Kind, ringTime time.Duration, skipBusy bool, entries []Entry) (*Group, error) {
	var errs FieldErrors
	if !kind.Valid() {
		errs.add("strategy", "unknown strategy")
	}
	if ringTime < MinRingTime || ringTime > MaxRingTime {
		errs.add("ring_time", "must be 1-600 s, got "+seconds(ringTime))
	}
	var out []Member
	seen := make(map[ExtID]bool, len(entries))
	for i, m := range entries {
		at := "members[" + strconv.Itoa(i) + "]"
		if m.Skill == 0 {
			m.Skill = MinSkillLevel
		}
		if m.Skill < MinSkillLevel {
			errs.add(at+".skill_level", "must be >= 1, got "+strconv.Itoa(m.Skill))
		}
		if m.Delay < 0 || m.Delay > MaxDelay {
			errs.add(at+".delay", "must be 0-600 s, got "+seconds(m.Delay))
		}
		if m.Timeout < 0 || m.Timeout > MaxDelay {
			errs.add(at+".timeout", "must be 0-600 s, got "+seconds(m.Timeout))
		}
		if m.Weight == 0 {
			m.Weight = 1
		}
		if m.Weight < 1 || m.Weight > MaxWeight {
			errs.add(at+".weight", "must be 1-100, got "+strconv.Itoa(m.Weight))
		}
		for _, e := range m.Exts {
			if e < 0 {
				errs.add(at, "invalid extension ID "+strconv.Itoa(int(e)))
				continue
			}
			if !seen[e] {
				seen[e] = true
				out = append(out, Member{Ext: e, Skill: m.Skill, Delay: m.Delay, Timeout: m.Timeout, Weight: m.Weight})
			}
		}
	}
	if len(out) == 0 {
		errs = append(errs, ErrNoMembers)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	g := &Group{Kind: kind, RingTime: ringTime, SkipBusy: skipBusy, Members: out}
	g.mask = Online | DND | LoggedOut
	if skipBusy {
		g.mask |= Busy
	}
	g.exts = make([]ExtID, len(out))
	for i, m := range out {
		g.exts[i] = m.Ext
		g.timed = g.timed || m.Delay > 0 || m.Timeout > 0
	}
	if g.timed && kind == MemoryHunt {
		errs.add("members", "memory_hunt takes no delay or timeout (its members ring one ring_time after another and keep ringing)")
		return nil, errs
	}
	g.compileLevels()
	return g, nil
}

// Mode is how this group's plans unfold over time: its strategy's, except
// that ring_all and paging_intercom with a member's delay or timeout run
// as custom does, every member from t=0 (SPEC §11).
func (g *Group) Mode() Mode {
	if m := g.Kind.Mode(); m != Parallel || !g.timed {
		return m
	}
	return Timed
}

// compileLevels ranks skill levels densely and lays the members out by level.
func (g *Group) compileLevels() {
	n := len(g.Members)
	g.listed = make([]slot, n)
	for i := range g.listed {
		g.listed[i] = slot{int32(i), g.Members[i].Ext}
	}
	g.byDelay = slices.Clone(g.listed)
	slices.SortStableFunc(g.byDelay, func(a, b slot) int {
		return cmp.Compare(g.Members[a.m].Delay, g.Members[b.m].Delay)
	})
	g.bySkill = slices.Clone(g.listed)
	slices.SortStableFunc(g.bySkill, func(a, b slot) int {
		return g.Members[a.m].Skill - g.Members[b.m].Skill
	})
	g.level = make([]int32, n)
	g.levelStart = g.levelStart[:0]
	rank := int32(-1)
	for pos, o := range g.bySkill {
		m := o.m
		if pos == 0 || g.Members[m].Skill != g.Members[g.bySkill[pos-1].m].Skill {
			rank++
			g.levelStart = append(g.levelStart, int32(pos))
		}
		g.level[m] = rank
	}
	g.levelStart = append(g.levelStart, int32(n))
	if _, bySkill := g.Kind.order(); bySkill {
		g.pos = make([]int32, n)
		for p, o := range g.bySkill {
			g.pos[o.m] = int32(p)
		}
	}
}

// Levels returns how many distinct skill levels the group has.
func (g *Group) Levels() int { return len(g.levelStart) - 1 }

// MemberTimeout is how long member i rings under custom: its own timeout,
// or the group ring time when it has none.
func (g *Group) MemberTimeout(i int) time.Duration {
	if t := g.Members[i].Timeout; t > 0 {
		return t
	}
	return g.RingTime
}

// IndexOf returns the position of ext among the members, or -1.
func (g *Group) IndexOf(ext ExtID) int {
	for i := range g.Members {
		if g.Members[i].Ext == ext {
			return i
		}
	}
	return -1
}

// seconds renders a duration the way the config file writes it: "601s", "1.5s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}
