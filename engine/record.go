package engine

import "github.com/ringd/ringd/strategy"

// Outcome is how a call to a group ended (SPEC §4).
type Outcome uint8

const (
	OutcomeAnswered      Outcome = iota + 1 // a member answered (in the dialled group or a chained one)
	OutcomeNoAnswer                         // members rang, nobody answered in time
	OutcomeNoAgent                          // nobody was available when the call arrived
	OutcomeAbandoned                        // the caller cancelled or hung up while it rang
	OutcomeOutOfSchedule                    // the group's schedule was closed
	OutcomeFailed                           // the driver aborted the call
)

var outcomeNames = [...]string{
	OutcomeAnswered: "answered", OutcomeNoAnswer: "no_answer", OutcomeNoAgent: "no_agent",
	OutcomeAbandoned: "abandoned", OutcomeOutOfSchedule: "out_of_schedule", OutcomeFailed: "failed",
}

func (o Outcome) String() string { return enumName(outcomeNames[:], o) }

// outcome is the call outcome when a group fails over for this reason.
func (r FailoverReason) outcome() Outcome {
	switch r {
	case ReasonNoAgent:
		return OutcomeNoAgent
	case ReasonOutOfSchedule:
		return OutcomeOutOfSchedule
	}
	return OutcomeNoAnswer
}

// LegResult is how a leg ended (the `result` label of ringd_legs_total).
type LegResult uint8

const (
	LegRinging   LegResult = iota // not ended yet
	LegAnswered                   // its 2xx won (or it joined a page)
	LegCancelled                  // cancelled: another leg answered, or the caller went away
	LegBusy                       // 486 Busy Here, 600 Busy Everywhere, 603 Decline
	LegNoAnswer                   // cancelled when its ring time ran out
	LegFailed                     // any other final failure (404, 480, 5xx, timeout, transport)
)

var legResultNames = [...]string{
	LegRinging: "ringing", LegAnswered: "answered", LegCancelled: "cancelled",
	LegBusy: "busy", LegNoAnswer: "no_answer", LegFailed: "failed",
}

func (r LegResult) String() string { return enumName(legResultNames[:], r) }

// failureResult classifies a final failure code of a leg.
func failureResult(code int) LegResult {
	switch code {
	case 486, 600, 603:
		return LegBusy
	}
	return LegFailed
}

// Leg is one INVITE leg to a member, as the call record keeps it.
type Leg struct {
	Group  GroupID
	Ext    strategy.ExtID
	Start  int64 // engine time the leg started
	End    int64 // engine time it ended (0 while ringing)
	Code   int   // final code: the 2xx, the failure, or 487 for legs ringd cancelled
	Result LegResult
	URI    string // the leg's target when Ext is -1 (a failover to a service or the trunk)

	member int32 // index into the group's members
	stop   int64 // custom: when its own timeout cancels it
}

// CallRecord describes a finished call (SPEC §4). Times are engine times;
// WallStart is the wall clock at arrival (Unix ns), so wall time of any
// instant t is WallStart + (t - Start).
type CallRecord struct {
	Call      CallID
	Snapshot  *Snapshot // the definitions the call ran with: resolves GroupIDs and ExtIDs
	Group     GroupID   // the dialled group
	LastGroup GroupID   // the group the call ended in (differs after ring_group failover)
	Caller    string
	Start     int64
	WallStart int64
	Answer    int64 // when the call was answered (Answered)
	End       int64 // the call's real end: after its failover legs, if any
	// Outcome is how the group stage ended: answered in the group (or a
	// chained one), or the reason it failed over, or abandoned / failed
	// while the group rang.
	Outcome    Outcome
	Answered   bool           // someone answered: a member, or a failover leg
	AnsweredBy strategy.ExtID // the extension that answered; -1 when nobody or a URI leg did
	Legs       []Leg          // every leg, in start order, across chained groups and failover legs

	// Failover is the last failover destination taken (nil if none) and
	// FailoverReason why. Missed is set when nobody answered the call,
	// failover included, and the group that failed over has record_missed
	// on: the store writes a missed-call record for each member of the
	// destination.
	Failover       *Destination
	FailoverReason FailoverReason
	Missed         bool
}
