package engine

// DestType is a failover destination type of SPEC §3. The zero value is end_call.
type DestType uint8

const (
	DestEndCall      DestType = iota // caller gets 480 Temporarily Unavailable
	DestExtension                    // ring extension Value (all its contacts)
	DestRingGroup                    // run ring group Value (the engine chains it)
	DestExternalNum                  // proxy to services.trunk with number Prefix+Value
	DestExtVM                        // proxy to services.ext_vm with {value} = Value
	DestGroupVM                      // services.group_vm
	DestIVR                          // services.ivr
	DestCallFlow                     // services.call_flow
	DestQueue                        // services.queue
	DestPlayGreeting                 // ringd answers, plays prompt Value Repeat times, hangs up
	destTypes
)

var destNames = [...]string{
	DestEndCall: "end_call", DestExtension: "extension", DestRingGroup: "ring_group",
	DestExternalNum: "external_num", DestExtVM: "ext_vm", DestGroupVM: "group_vm",
	DestIVR: "ivr", DestCallFlow: "call_flow", DestQueue: "queue", DestPlayGreeting: "play_greeting",
}

func (t DestType) String() string { return enumName(destNames[:], t) }

// ParseDestType maps a destination type name ("end_call", "ring_group", ...)
// to its DestType.
func ParseDestType(name string) (DestType, bool) {
	for t := DestEndCall; t < destTypes; t++ {
		if name == destNames[t] {
			return t, true
		}
	}
	return 0, false
}

// Service reports whether the destination is a services.<type> URI template.
func (t DestType) Service() bool { return t >= DestExtVM && t <= DestQueue }

// FailoverReason is why a group failed over; it picks the destination and
// the Diversion reason.
type FailoverReason uint8

const (
	ReasonNoAnswer      FailoverReason = iota + 1 // on_no_answer, Diversion reason=no-answer
	ReasonNoAgent                                 // on_no_agent, reason=unavailable
	ReasonOutOfSchedule                           // out_of_schedule, reason=time-of-day
)

var failoverNames = [...]string{ReasonNoAnswer: "no_answer", ReasonNoAgent: "no_agent", ReasonOutOfSchedule: "out_of_schedule"}
var diversionReasons = [...]string{ReasonNoAnswer: "no-answer", ReasonNoAgent: "unavailable", ReasonOutOfSchedule: "time-of-day"}

func (r FailoverReason) String() string { return enumName(failoverNames[:], r) }

// MaxChainDepth is how many ring_group failovers one call may take; a deeper
// chain, or one that comes back to a group it already ran, ends as end_call.
const MaxChainDepth = 8
