package engine

import "github.com/ringd/ringd/strategy"

type phase uint8

const (
	phaseFree    phase = iota // slot unused
	phaseRinging              // legs ring (paging: until the ring time ends, even once answered)
	phaseTalking              // answered; waits for the hangup
	phaseHeld                 // arrived, members not rung yet (the caller hears prompts first)
)

// stage is what a ringing call rings.
type stage uint8

const (
	stageGroup     stage = iota // the members of g: the dialled group or one chained to it
	stageExtension              // an extension: all its contacts, or its sequential ring's steps
	stageService                // one leg to a URI: the trunk, a service, a voicemail
)

// call is one call's state. Slots and their buffers are reused, so a call
// in steady state allocates nothing.
type call struct {
	slot  int32
	gen   uint32
	id    CallID
	phase phase
	stage stage

	snap   *Snapshot
	caller Caller
	rand   strategy.Rand // the call's random draws (random_hunt, weighted_hunt)
	start  int64         // engine time of arrival
	wall   int64         // wall clock at arrival (Unix ns)

	first    GroupID // the dialled group; -1 for a call to an extension
	recorded bool    // the group call's record is out
	// groupOutcome is set when the group stage ended in a failover to an
	// extension or a service: the record's outcome, whatever follows.
	groupOutcome Outcome

	g       *Group // the group ringing now, or the last one that rang
	depth   int    // ring_group failovers taken
	round   int    // the current group's repeat: 0 for its first round
	waiting bool   // a hunt's step waits for its member's delay (stepEnd)
	visited [MaxChainDepth + 1]GroupID
	// diversion is the Diversion header value on legs after a failover.
	diversion string

	plan       []int32 // member indices of g in ring order
	step       int     // serial / cumulative: plan position of the current step; timed: next entry to start
	newest     int     // the leg the current step started (-1: none)
	stepEnd    int64   // when the current step's ring time ends
	phaseStart int64   // when the current stage started ringing (custom delays count from here)
	phaseLegs  int     // legs[phaseLegs:] belong to the current stage
	live       int     // legs ringing now

	x     strategy.ExtID // extension stage: the extension called
	seq   bool           // extension stage: its sequential ring applies
	xStep int            // extension stage: the step ringing
	xRing int64          // extension stage: the ring time of a step without its own
	xCode int            // extension stage: the last failure of one of its legs (0: rang out)
	hdrs  [1]Header      // the voicemail leg's Diversion header (the extension's)

	legs        []Leg
	answeredLeg int            // -1 until a leg answers
	pickedBy    strategy.ExtID // the extension that picked the call up; -1: none
	answer      int64

	failover *Destination
	reason   FailoverReason
	missed   bool

	rec CallRecord
}

func (c *call) reset(snap *Snapshot, caller Caller, now, wall int64, first GroupID) {
	c.phase, c.stage = phaseRinging, stageGroup
	c.snap, c.caller, c.start, c.wall = snap, caller, now, wall
	c.first, c.recorded, c.groupOutcome = first, false, 0
	c.g, c.depth, c.round, c.waiting, c.diversion = nil, 0, 0, false, ""
	c.plan, c.legs = c.plan[:0], c.legs[:0]
	c.phaseLegs, c.live, c.newest = 0, 0, -1
	c.answeredLeg, c.pickedBy, c.answer = -1, -1, 0
	c.failover, c.reason, c.missed = nil, 0, false
}

func (c *call) answered() bool { return c.answeredLeg >= 0 || c.pickedBy >= 0 }

// answeredBy is the extension that answered: the one that picked the call
// up, else the answering leg's (-1 for a leg to a URI).
func (c *call) answeredBy() strategy.ExtID {
	if c.pickedBy >= 0 {
		return c.pickedBy
	}
	return c.legs[c.answeredLeg].Ext
}

// paging reports whether the call rings a paging group.
func (c *call) paging() bool {
	return c.stage == stageGroup && c.g != nil && c.g.Plan.Kind == strategy.PagingIntercom
}

// wallAt is the wall clock at engine time t.
func (c *call) wallAt(t int64) int64 { return c.wall + (t - c.start) }

// newLeg appends a ringing leg and returns its index.
func (c *call) newLeg(l Leg) int {
	c.legs = append(c.legs, l)
	c.live++
	return len(c.legs) - 1
}

// endLeg marks a ringing leg ended.
func (c *call) endLeg(leg int, t int64, r LegResult, code int) {
	l := &c.legs[leg]
	l.End, l.Result, l.Code = t, r, code
	c.live--
}

// entriesLeft reports whether a timed group (custom, or members with
// delays) still has members waiting for their delay.
func (c *call) entriesLeft() bool {
	return c.stage == stageGroup && c.g.Plan.Mode() == strategy.Timed && c.step < len(c.plan)
}

// newStage starts the legs of a new stage at t.
func (c *call) newStage(s stage, t int64) {
	c.stage, c.phaseStart, c.phaseLegs, c.newest, c.waiting = s, t, len(c.legs), -1, false
}
