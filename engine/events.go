package engine

import "github.com/ringd/ringd/strategy"

// Arrive starts routing a new call to group gid: now is engine time, wall
// the wall clock (Unix ns, for schedules and records), caller who calls. It
// returns the call's ID, or 0 (and no actions for it) when gid is not a
// group of the current snapshot.
func (e *Engine) Arrive(now, wall int64, gid GroupID, caller Caller, out []Action) (CallID, []Action) {
	out = e.begin(now, out)
	if e.snap.group(gid) == nil {
		return 0, out
	}
	c := e.allocGroupCall(caller, now, wall, gid)
	return c.id, e.enterGroup(c, gid, now, out)
}

// Call starts routing a new call to extension x (all its contacts, or its
// sequential ring): see the extension stage. It returns the call's ID, or
// 0 (and no actions for it) when x is not an extension of the current
// snapshot. A call to an extension leaves no record.
func (e *Engine) Call(now, wall int64, x strategy.ExtID, caller Caller, out []Action) (CallID, []Action) {
	out = e.begin(now, out)
	if x < 0 || int(x) >= len(e.snap.Extensions) || e.snap.Extensions[x].Number == "" {
		return 0, out
	}
	c := e.newCall(caller, now, wall, -1)
	return c.id, e.enterExtension(c, x, e.snap.extensionRing, now, out)
}

// Dial starts a call straight to uri (an outbound call from an extension
// through the trunk): its service stage, ringing for services.ring_time.
// It returns the call's ID; a Dial leaves no record.
func (e *Engine) Dial(now, wall int64, uri string, caller Caller, out []Action) (CallID, []Action) {
	out = e.begin(now, out)
	c := e.newCall(caller, now, wall, -1)
	return c.id, e.enterService(c, uri, nil, now, out)
}

// allocGroupCall takes a call slot for a call to group gid.
func (e *Engine) allocGroupCall(caller Caller, now, wall int64, gid GroupID) *call {
	c := e.newCall(caller, now, wall, gid)
	e.groupCalls++
	return c
}

// newCall takes a call slot for a new call; its random draws start from
// the seed of the event that started it.
func (e *Engine) newCall(caller Caller, now, wall int64, first GroupID) *call {
	c := e.alloc()
	c.reset(e.snap, caller, now, wall, first)
	c.rand = strategy.NewRand(e.seed)
	return c
}

// Hold is Arrive for a call whose members ring later, once Start is
// called: the caller hears prompts first (play_full_join_prompt). The call
// counts as active and leaves a record like any other: a caller who hangs
// up (CallerCancel, Hangup) before Start is abandoned with no legs. Ring
// times count from Start; the record's start is the arrival.
func (e *Engine) Hold(now, wall int64, gid GroupID, caller Caller, out []Action) (CallID, []Action) {
	out = e.begin(now, out)
	g := e.snap.group(gid)
	if g == nil {
		return 0, out
	}
	c := e.allocGroupCall(caller, now, wall, gid)
	c.phase, c.g, c.visited[0] = phaseHeld, g, gid
	return c.id, out
}

// Start rings the members of a held call (see Hold).
func (e *Engine) Start(now int64, id CallID, out []Action) []Action {
	out = e.begin(now, out)
	c := e.lookup(id)
	if c == nil || c.phase != phaseHeld {
		return out
	}
	c.phase = phaseRinging
	return e.enterGroup(c, c.first, now, out)
}

// leg returns the live call id and checks that leg is one of its legs.
func (e *Engine) leg(id CallID, leg int) (*call, bool) {
	c := e.lookup(id)
	if c == nil || leg < 0 || leg >= len(c.legs) {
		return nil, false
	}
	return c, true
}

// Provisional reports a 18x on a leg; it is relayed to the caller while the
// leg rings and the caller is not connected.
func (e *Engine) Provisional(now int64, id CallID, leg, code int, out []Action) []Action {
	out = e.begin(now, out)
	c, ok := e.leg(id, leg)
	if !ok || c.phase != phaseRinging || c.answered() || c.legs[leg].Result != LegRinging {
		return out
	}
	return append(out, Action{Kind: ActForwardProvisional, At: now, Call: id, Leg: leg, Code: code})
}

// Answered reports a 2xx on a leg. The first one wins: it is relayed to the
// caller and every other leg is cancelled ("Call completed elsewhere"). On a
// paging call every answering leg joins the page. A 2xx the engine no longer
// wants (the leg was cancelled, or the call is over) gets ActReleaseLeg. The
// driver does not report retransmissions of a 2xx it already reported.
func (e *Engine) Answered(now int64, id CallID, leg, code int, out []Action) []Action {
	out = e.begin(now, out)
	c, ok := e.leg(id, leg)
	if !ok || c.phase != phaseRinging || c.legs[leg].Result != LegRinging {
		if ok && c.legs[leg].Result == LegAnswered {
			return out
		}
		return append(out, Action{Kind: ActReleaseLeg, At: now, Call: id, Leg: leg})
	}
	first := !c.answered()
	c.endLeg(leg, now, LegAnswered, code)
	if first {
		c.answeredLeg, c.answer = leg, now
		l := &c.legs[leg]
		e.seq++
		if st := e.state(l.Group); st != nil {
			st.Answered(c.g.Plan, int(l.member), e.seq)
			if c.g.Plan.Kind.Remembers() {
				e.note(Shared{Kind: SharedAnswered, Group: l.Group, Ext: l.Ext})
			}
		}
	}
	if c.paging() {
		if first {
			out = append(out, Action{Kind: ActAnswerLocal, At: now, Call: id})
		}
		out = append(out, Action{Kind: ActJoinPage, At: now, Call: id, Leg: leg})
		if c.live == 0 && !c.entriesLeft() {
			return e.ringingOver(c, now, out)
		}
		return out
	}
	out = append(out, Action{Kind: ActAnswerCaller, At: now, Call: id, Leg: leg})
	out = e.cancelLive(c, now, CancelCompletedElsewhere, out)
	c.phase = phaseTalking
	e.arm(c)
	return out
}

// Failed reports a final failure (any non-2xx final response, a transaction
// timeout as 408, a transport error as 503) on a leg. It ends that leg; the
// hunt moves on at once. It is never relayed to the caller.
func (e *Engine) Failed(now int64, id CallID, leg, code int, out []Action) []Action {
	out = e.begin(now, out)
	c, ok := e.leg(id, leg)
	if !ok || c.phase != phaseRinging || c.legs[leg].Result != LegRinging {
		return out
	}
	c.endLeg(leg, now, failureResult(code), code)
	e.declined(c, leg, code, now)
	return e.legFailed(c, leg, code, now, out)
}

// legFailed moves the timeline on after a leg ended early (busy, declined,
// unreachable).
func (e *Engine) legFailed(c *call, leg int, code int, t int64, out []Action) []Action {
	switch c.stage {
	case stageGroup:
		return e.groupLegFailed(c, leg, t, out)
	case stageExtension:
		c.xCode = code
		return e.nextExtensionStep(c, t, out)
	default:
		return e.respond(c, relayedFailure(code), t, out)
	}
}

// CallerCancel reports the caller's CANCEL: every ringing leg is cancelled
// and the caller gets 487. It has no effect once the caller is connected.
func (e *Engine) CallerCancel(now int64, id CallID, out []Action) []Action {
	out = e.begin(now, out)
	c := e.lookup(id)
	if c == nil || (c.phase != phaseRinging && c.phase != phaseHeld) || c.answered() {
		return out
	}
	out = e.cancelLive(c, now, CancelCallerGone, out)
	out = append(out, Action{Kind: ActRespondCaller, At: now, Call: id, Code: 487})
	return e.finish(c, now, OutcomeAbandoned, out)
}

// Hangup reports that the call is over on the caller's side: a BYE of a
// connected call (from either end), the dialog timing out, or the caller's
// transaction dying while it rang (then nothing is sent to the caller).
func (e *Engine) Hangup(now int64, id CallID, out []Action) []Action {
	out = e.begin(now, out)
	c := e.lookup(id)
	if c == nil {
		return out
	}
	out = e.cancelLive(c, now, CancelCallerGone, out)
	if c.answered() {
		return e.finish(c, now, OutcomeAnswered, out)
	}
	return e.finish(c, now, OutcomeAbandoned, out)
}

// Abort ends a ringing call on the driver's behalf (shutdown grace period
// over, internal error): every leg is cancelled and the caller gets code.
// A connected call is ended as by Hangup.
func (e *Engine) Abort(now int64, id CallID, code int, out []Action) []Action {
	out = e.begin(now, out)
	c := e.lookup(id)
	if c == nil {
		return out
	}
	if c.answered() {
		out = e.cancelLive(c, now, CancelCallerGone, out)
		return e.finish(c, now, OutcomeAnswered, out)
	}
	out = e.cancelLive(c, now, CancelAborted, out)
	out = append(out, Action{Kind: ActRespondCaller, At: now, Call: id, Code: code})
	return e.finish(c, now, OutcomeFailed, out)
}

// SetMember records an extension's live state (online, DND, busy). It
// changes later ring decisions (the next hunt step, the next call), never a
// leg already ringing.
func (e *Engine) SetMember(now int64, ext strategy.ExtID, s strategy.MemberState, out []Action) []Action {
	out = e.begin(now, out)
	if ext >= 0 && int(ext) < len(e.members) {
		e.members[ext] = s
	}
	return out
}
