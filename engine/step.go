package engine

import (
	"strconv"

	"github.com/ringd/ringd/strategy"
)

// Event is one input of the engine as a value: what the driver feeds it
// through Step, and what a recorder keeps so that a call can be replayed
// into a fresh engine (New with the same snapshot, then Step with each
// event in turn) and give the same actions. Reserve and Shrink are events
// too: they decide which slot - and so which CallID - a call takes.
type Event struct {
	Kind EventKind
	At   int64 // engine time
	Wall int64 // EvArrive, EvHold, EvCall, EvDial: the wall clock (Unix ns)

	Group  GroupID        // EvArrive, EvHold: the group dialled
	Ext    strategy.ExtID // EvCall: the extension dialled; EvMember: the extension; EvPickup: the picker
	Caller Caller         // EvArrive, EvHold, EvCall, EvDial
	URI    string         // EvDial: where the call goes
	// Rand seeds the call's random draws (random_hunt, weighted_hunt) for
	// EvArrive, EvHold, EvCall and EvDial: the driver's random source comes
	// in here, so a recorded run replays the same draws.
	Rand  uint64
	Call  CallID               // the call an event of a call is for
	Leg   int                  // EvProvisional, EvAnswered, EvFailed
	Code  int                  // EvProvisional, EvAnswered, EvFailed, EvAbort
	State strategy.MemberState // EvMember
	Snap  *Snapshot            // EvSnapshot
	Slots int                  // EvReserve, EvShrink
	Share Shared               // EvShared
}

// EventKind says which engine input an Event is.
type EventKind uint8

const (
	EvArrive       EventKind = iota + 1 // Arrive
	EvHold                              // Hold
	EvCall                              // Call
	EvStart                             // Start
	EvProvisional                       // Provisional
	EvAnswered                          // Answered
	EvFailed                            // Failed
	EvCallerCancel                      // CallerCancel
	EvHangup                            // Hangup
	EvAbort                             // Abort
	EvMember                            // SetMember
	EvTick                              // Tick
	EvSnapshot                          // SetSnapshot (it takes no time: At is ignored)
	EvReserve                           // Reserve (no time either): which slots the next calls take
	EvShrink                            // Shrink (no time either)
	EvDial                              // Dial
	EvPickup                            // Pickup
	EvShared                            // another node's memory change (Shared; no time)
)

var eventNames = [...]string{
	EvArrive: "arrive", EvHold: "hold", EvCall: "call", EvStart: "start", EvProvisional: "provisional",
	EvAnswered: "answered", EvFailed: "failed", EvCallerCancel: "caller-cancel", EvHangup: "hangup",
	EvAbort: "abort", EvMember: "member", EvTick: "tick", EvSnapshot: "snapshot",
	EvReserve: "reserve", EvShrink: "shrink", EvDial: "dial", EvPickup: "pickup", EvShared: "shared",
}

func (k EventKind) String() string {
	if n := enumName(eventNames[:], k); n != "" {
		return n
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// Step feeds one event to the engine. It returns the ID of the call an
// arrival started (0 for other events, and for an arrival refused) and
// the actions appended to out.
func (e *Engine) Step(ev Event, out []Action) (CallID, []Action) {
	e.seed = ev.Rand // the next call's draws, when ev starts one
	switch ev.Kind {
	case EvArrive:
		return e.Arrive(ev.At, ev.Wall, ev.Group, ev.Caller, out)
	case EvHold:
		return e.Hold(ev.At, ev.Wall, ev.Group, ev.Caller, out)
	case EvCall:
		return e.Call(ev.At, ev.Wall, ev.Ext, ev.Caller, out)
	case EvDial:
		return e.Dial(ev.At, ev.Wall, ev.URI, ev.Caller, out)
	case EvStart:
		return 0, e.Start(ev.At, ev.Call, out)
	case EvPickup:
		return 0, e.Pickup(ev.At, ev.Call, ev.Ext, out)
	case EvProvisional:
		return 0, e.Provisional(ev.At, ev.Call, ev.Leg, ev.Code, out)
	case EvAnswered:
		return 0, e.Answered(ev.At, ev.Call, ev.Leg, ev.Code, out)
	case EvFailed:
		return 0, e.Failed(ev.At, ev.Call, ev.Leg, ev.Code, out)
	case EvCallerCancel:
		return 0, e.CallerCancel(ev.At, ev.Call, out)
	case EvHangup:
		return 0, e.Hangup(ev.At, ev.Call, out)
	case EvAbort:
		return 0, e.Abort(ev.At, ev.Call, ev.Code, out)
	case EvMember:
		return 0, e.SetMember(ev.At, ev.Ext, ev.State, out)
	case EvTick:
		return 0, e.Tick(ev.At, out)
	case EvSnapshot:
		if ev.Snap != nil {
			e.SetSnapshot(ev.Snap)
		}
	case EvReserve:
		e.Reserve(ev.Slots)
	case EvShrink:
		e.Shrink(ev.Slots)
	case EvShared:
		e.applyShared(ev.Share)
	}
	return 0, out
}
