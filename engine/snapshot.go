package engine

import "github.com/ringd/ringd/strategy"

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

// seqRing is a compiled sequential ring.
type seqRing struct {
	criteria []SeqCriterion
	steps    []seqStep
}

// seqStep is one step of a sequential ring: what rings and for how long
// (0: the call's ring time).
type seqStep struct {
	ext  strategy.ExtID // the extension rung, or -1 for uri
	uri  string         // an outside number through the trunk
	ring int64
}

// Destination is a resolved failover destination.
type Destination struct {
	Type   DestType
	Value  string // extension number, ring-group number, number, service value, prompt file
	Prefix string // external_num: dial prefix (<= 7 chars)
	Number string // external_num: Prefix+Value, the number to send to the trunk
	Repeat int    // play_greeting: how many times to play the prompt (0-5)
	Group  GroupID
	// URI is where external_num and the services go: the service's
	// template filled in, "" when that service is not configured.
	URI string
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
	// CIDNamePrefix goes in front of the caller's name on legs to members
	// (the driver writes the From display name).
	CIDNamePrefix string
	Repeats       int // more rounds of the plan before on_no_answer
	// WrapUp and RejectCooldown are engine durations (ns): the member
	// that answered rests after the call; a member that declined is not
	// offered this group's calls (rest.go).
	WrapUp, RejectCooldown int64
	// SilentCancel: CANCELs of legs that lost to an answer carry no Reason
	// (answered_elsewhere: false); otherwise ReasonCompletedElsewhere.
	SilentCancel bool

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
