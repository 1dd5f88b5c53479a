package strategy

import "strings"

// Kind is a ring strategy of SPEC §3.
type Kind uint8

// The twelve strategies. The zero value is not a strategy.
const (
	RingAll Kind = iota + 1
	PrioritizedHunt
	CyclicHunt
	LeastWorkedHunt
	MemoryHunt
	Custom
	PagingIntercom
	SkillPrioritizedHunt
	SkillCyclicHunt
	SkillLeastWorkedHunt
	RandomHunt
	WeightedHunt
)

// Kinds lists every strategy in declaration order.
var Kinds = [...]Kind{
	RingAll, PrioritizedHunt, CyclicHunt, LeastWorkedHunt, MemoryHunt,
	Custom, PagingIntercom, SkillPrioritizedHunt, SkillCyclicHunt, SkillLeastWorkedHunt,
	RandomHunt, WeightedHunt,
}

var kindNames = [...]string{
	RingAll:              "ring_all",
	PrioritizedHunt:      "prioritized_hunt",
	CyclicHunt:           "cyclic_hunt",
	LeastWorkedHunt:      "least_worked_hunt",
	MemoryHunt:           "memory_hunt",
	Custom:               "custom",
	PagingIntercom:       "paging_intercom",
	SkillPrioritizedHunt: "skill_prioritized_hunt",
	SkillCyclicHunt:      "skill_cyclic_hunt",
	SkillLeastWorkedHunt: "skill_least_worked_hunt",
	RandomHunt:           "random_hunt",
	WeightedHunt:         "weighted_hunt",
}

// aliases are the names other PBX products use (PortSIP upper-case names,
// Yeastar's "sequentially").
var aliases = [...]struct {
	name string
	kind Kind
}{
	{"RING_SIMULTANEOUSLY", RingAll},
	{"PRIORITIZED_HUNT", PrioritizedHunt},
	{"sequentially", PrioritizedHunt},
	{"CYCLIC_HUNT", CyclicHunt},
	{"LEAST_WORKED_HUNT", LeastWorkedHunt},
	{"PAGING_INTERCOM", PagingIntercom},
	{"SKILL_BASED_ROUTING_PRIORITIZED_HUNT", SkillPrioritizedHunt},
	{"SKILL_BASED_ROUTING_CYCLIC_HUNT", SkillCyclicHunt},
	{"SKILL_BASED_ROUTING_LEAST_WORKED_HUNT", SkillLeastWorkedHunt},
}

// String returns the native name ("ring_all", ...), or "" for an invalid Kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return ""
}

// Valid reports whether k is one of the strategies.
func (k Kind) Valid() bool { return k >= RingAll && k <= WeightedHunt }

// ParseKind maps a native name or an alias to its Kind. Matching ignores
// case, so "RING_ALL" and "Sequentially" are accepted too.
func ParseKind(name string) (Kind, bool) {
	for k := RingAll; k <= WeightedHunt; k++ {
		if strings.EqualFold(name, kindNames[k]) {
			return k, true
		}
	}
	for _, a := range aliases {
		if strings.EqualFold(name, a.name) {
			return a.kind, true
		}
	}
	return 0, false
}

// Random reports whether plans of this strategy are drawn per call: the
// engine hands Shuffle the call's random source.
func (k Kind) Random() bool { return k == RandomHunt || k == WeightedHunt }

// Mode is how the engine runs a plan over time.
type Mode uint8

const (
	// Parallel rings every planned member at once for one ring time
	// (ring_all, paging_intercom).
	Parallel Mode = iota + 1
	// Serial rings one member per step, each step one ring time (the hunts).
	Serial
	// Cumulative adds one member per step and keeps the earlier ones ringing
	// (memory_hunt).
	Cumulative
	// Timed starts each member at its own delay and stops it after its own
	// timeout (custom).
	Timed
)

// Mode returns how plans of this strategy unfold over time.
func (k Kind) Mode() Mode {
	switch k {
	case RingAll, PagingIntercom:
		return Parallel
	case MemoryHunt:
		return Cumulative
	case Custom:
		return Timed
	default:
		return Serial
	}
}

// order is how a plan sorts the available members.
type order uint8

const (
	configured  order = iota // as listed
	cyclic                   // from the member rung longest ago, then wrapping in listed order
	leastWorked              // by last answer, oldest first
	random                   // drawn per call (Shuffle): uniformly, or by weight
)

// Remembers reports whether a kind's order reads the group's memory of
// past calls (State): cyclic and least-worked hunts, skill tiers included.
func (k Kind) Remembers() bool {
	o, _ := k.order()
	return o == cyclic || o == leastWorked
}

func (k Kind) order() (o order, bySkill bool) {
	switch k {
	case CyclicHunt:
		return cyclic, false
	case LeastWorkedHunt:
		return leastWorked, false
	case SkillPrioritizedHunt:
		return configured, true
	case SkillCyclicHunt:
		return cyclic, true
	case SkillLeastWorkedHunt:
		return leastWorked, true
	case RandomHunt, WeightedHunt:
		return random, false
	default:
		return configured, false
	}
}
