package engine

import (
	"strconv"

	"github.com/ringd/ringd/strategy"
)

// ActionKind says what the driver must do.
type ActionKind uint8

const (
	// ActStartLeg: send an INVITE to extension Ext (to every contact of
	// it) or, when Ext is -1, to URI; adding Headers, then Diversion (when
	// set) and, when To is set, using it as the To header value. Group is
	// the ring group whose member Ext is, or -1 for a leg outside a group
	// (a call to an extension, a failover leg).
	ActStartLeg ActionKind = iota + 1
	// ActCancelLeg: CANCEL leg Leg (RFC 3261 §9.1) with the Reason header
	// Cancel.Header(), when not empty. The engine considers the leg ended; a
	// 2xx that still arrives for it is reported and answered with
	// ActReleaseLeg.
	ActCancelLeg
	// ActForwardProvisional: relay leg Leg's provisional response Code to the caller.
	ActForwardProvisional
	// ActAnswerCaller: relay leg Leg's 2xx to the caller. The call is connected.
	ActAnswerCaller
	// ActAnswerLocal: paging. ringd itself answers the caller (2xx with its
	// own SDP) and relays the caller's audio to the joined legs.
	ActAnswerLocal
	// ActJoinPage: paging. Leg Leg answered (auto-answer); acknowledge it and
	// add it to the page.
	ActJoinPage
	// ActReleaseLeg: a 2xx arrived on a leg the engine no longer wants (it
	// crossed our CANCEL, or the call is over): ACK it and send BYE.
	ActReleaseLeg
	// ActRespondCaller: send the final response Code (480, 487, ...) to the caller.
	ActRespondCaller
	// ActFailover: the group's failover stage chose Dest for Reason.
	// Diversion is the header every leg toward the destination carries.
	// The engine carries every destination out with its own actions (480,
	// new legs), but play_greeting: for that one the driver answers the
	// caller and plays the prompt; the call ends in the engine at once.
	ActFailover
	// ActRecord: a group call's record, written when the call ends (after
	// its failover legs, if any), just before ActEnd.
	ActRecord
	// ActEnd: the call is over; the engine has forgotten it. Always the
	// call's last action.
	ActEnd
	// ActPickup: extension Ext picked the call up (Pickup): answer the
	// caller and the picker and connect them. The call's ringing legs were
	// cancelled before it.
	ActPickup
)

var actionNames = [...]string{
	ActStartLeg: "start", ActCancelLeg: "cancel", ActForwardProvisional: "provisional",
	ActAnswerCaller: "answer", ActAnswerLocal: "answer-local", ActJoinPage: "join-page",
	ActReleaseLeg: "release", ActRespondCaller: "respond", ActFailover: "failover", ActRecord: "record",
	ActEnd: "end", ActPickup: "pickup",
}

func (k ActionKind) String() string {
	if n := enumName(actionNames[:], k); n != "" {
		return n
	}
	return "action(" + strconv.Itoa(int(k)) + ")"
}

// Action is one decision for the driver to carry out. Only the fields its
// Kind names are set.
type Action struct {
	Kind ActionKind
	At   int64  // engine time the decision takes effect (a deadline's own instant)
	Call CallID // the call
	Leg  int    // leg index within the call

	Ext   strategy.ExtID // ActStartLeg: the extension rung, -1 for a leg to URI; ActPickup: the picker
	Group GroupID        // ActStartLeg: the group ringing (-1: none); ActFailover: the group failing over
	URI   string         // ActStartLeg: where a leg outside the extensions goes (trunk, service, voicemail)

	Headers   []Header // ActStartLeg: header decisions of the group, byte-exact
	To        string   // ActStartLeg: To header value when to_extension is on, else ""
	Diversion string   // ActStartLeg (legs of a chained group), ActFailover: Diversion header value

	Code   int          // ActForwardProvisional, ActRespondCaller
	Cancel CancelReason // ActCancelLeg

	Dest   *Destination   // ActFailover
	Reason FailoverReason // ActFailover
	Record *CallRecord    // ActRecord
}

// CancelReason is why a leg is cancelled.
type CancelReason uint8

const (
	CancelNoAnswer           CancelReason = iota + 1 // its ring time ran out
	CancelCompletedElsewhere                         // another leg answered
	CancelCallerGone                                 // the caller cancelled or hung up
	CancelAborted                                    // the driver aborted the call
)

// ReasonCompletedElsewhere is the Reason header value on CANCELs of legs
// that lost to an answer (RFC 3326).
const ReasonCompletedElsewhere = `SIP;cause=200;text="Call completed elsewhere"`

var cancelNames = [...]string{
	CancelNoAnswer: "no-answer", CancelCompletedElsewhere: "completed-elsewhere",
	CancelCallerGone: "caller-gone", CancelAborted: "aborted",
}

func (r CancelReason) String() string { return enumName(cancelNames[:], r) }

// Header is the Reason header value to put on the CANCEL, or "" for none.
func (r CancelReason) Header() string {
	if r == CancelCompletedElsewhere {
		return ReasonCompletedElsewhere
	}
	return ""
}
