package engine

import (
	"time"

	"github.com/ringd/ringd/strategy"
)

// CDR is a call record as stored and served (SPEC §4): numbers instead of
// IDs, wall-clock times instead of engine times. Flatten builds it from a
// CallRecord; it allocates, so the driver calls it off the routing path.
type CDR struct {
	CallID     string    `json:"call_id"` // the SIP Call-ID of the caller's INVITE
	Group      string    `json:"group"`   // the dialled group number
	LastGroup  string    `json:"last_group,omitempty"`
	Caller     string    `json:"caller"`
	Start      time.Time `json:"start"`
	Answer     time.Time `json:"answer,omitzero"`
	End        time.Time `json:"end"`
	Outcome    string    `json:"outcome"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	Failover   string    `json:"failover,omitempty"` // destination type taken, e.g. "extension"
	FailoverTo string    `json:"failover_to,omitempty"`
	Reason     string    `json:"failover_reason,omitempty"`
	// Missed lists the extensions that get a missed-call record: the
	// members of the failover destination, when record_missed is on.
	Missed []string `json:"missed,omitempty"`
	Legs   []CDRLeg `json:"legs"`
}

// CDRLeg is one leg of a CDR.
type CDRLeg struct {
	Extension string    `json:"extension"`
	Group     string    `json:"group"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Code      int       `json:"code"`
	Result    string    `json:"result"`
}

// Flatten turns a record into a CDR. callID is the SIP Call-ID.
func (r *CallRecord) Flatten(callID string) CDR {
	s := r.Snapshot
	wall := func(t int64) time.Time { return time.Unix(0, r.WallStart+(t-r.Start)).UTC() }
	c := CDR{
		CallID: callID, Group: s.Groups[r.Group].Number, Caller: r.Caller,
		Start: wall(r.Start), End: wall(r.End), Outcome: r.Outcome.String(),
		Legs: make([]CDRLeg, len(r.Legs)),
	}
	if r.LastGroup != r.Group {
		c.LastGroup = s.Groups[r.LastGroup].Number
	}
	if r.AnsweredBy >= 0 {
		c.Answer = wall(r.Answer)
		c.AnsweredBy = s.Extensions[r.AnsweredBy].Number
	}
	if d := r.Failover; d != nil {
		c.Failover, c.Reason = d.Type.String(), r.FailoverReason.String()
		c.FailoverTo = d.Value
		if d.Type == DestExternalNum {
			c.FailoverTo = d.Number
		}
		if r.Missed {
			c.Missed = s.destinationMembers(d)
		}
	}
	for i, l := range r.Legs {
		c.Legs[i] = CDRLeg{
			Extension: s.Extensions[l.Ext].Number, Group: s.Groups[l.Group].Number,
			Start: wall(l.Start), End: wall(l.End), Code: l.Code, Result: l.Result.String(),
		}
	}
	return c
}

// destinationMembers lists the extensions behind a failover destination:
// the extension itself, or a ring group's members.
func (s *Snapshot) destinationMembers(d *Destination) []string {
	switch d.Type {
	case DestExtension:
		return []string{d.Value}
	case DestRingGroup:
		if g := s.group(d.Group); g != nil {
			out := make([]string, 0, len(g.Plan.Members))
			for _, m := range g.Plan.Members {
				out = append(out, s.Extensions[m.Ext].Number)
			}
			return out
		}
	}
	return nil
}

// CallView is a read-only view of a call in progress (GET /calls).
type CallView struct {
	Call      CallID    `json:"-"`
	Group     string    `json:"group"`
	Caller    string    `json:"caller"`
	Start     time.Time `json:"start"`
	Connected bool      `json:"connected"`
	Ringing   []string  `json:"ringing"` // extensions ringing now
}

// Calls calls f for every group call in its group stage. Start is in
// wall-clock time.
func (e *Engine) Calls(f func(CallView)) {
	for _, c := range e.calls {
		if c == nil || c.phase == phaseFree || c.first < 0 || c.recorded {
			continue
		}
		v := CallView{Call: c.id, Group: c.snap.Groups[c.first].Number, Caller: c.caller.Name,
			Start: time.Unix(0, c.wall).UTC(), Connected: c.answered()}
		for i := c.phaseLegs; i < len(c.legs); i++ {
			if c.legs[i].Result == LegRinging {
				v.Ringing = append(v.Ringing, c.snap.Extensions[c.legs[i].Ext].Number)
			}
		}
		f(v)
	}
}

// Planned calls f with the extensions the call's current group plans to
// ring, in ring order (the members available when it started ringing).
func (e *Engine) Planned(id CallID, f func(ext strategy.ExtID)) {
	c := e.lookup(id)
	if c == nil || c.g == nil {
		return
	}
	for _, m := range c.plan {
		f(c.g.Plan.Members[m].Ext)
	}
}
