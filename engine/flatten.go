package engine

import (
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

// Flatten turns a record into the call record that is stored and served:
// numbers instead of IDs, wall-clock times instead of engine times. callID
// is the SIP Call-ID. It allocates, so the driver calls it off the routing
// path.
func (r *CallRecord) Flatten(callID string) cdr.Record {
	s := r.Snapshot
	wall := func(t int64) time.Time { return time.Unix(0, r.WallStart+(t-r.Start)).UTC() }
	c := cdr.Record{
		CallID: callID, Group: s.Groups[r.Group].Number, Caller: r.Caller,
		Start: wall(r.Start), End: wall(r.End), Outcome: r.Outcome.String(),
		Legs: make([]cdr.Leg, len(r.Legs)),
	}
	if r.LastGroup != r.Group {
		c.LastGroup = s.Groups[r.LastGroup].Number
	}
	if r.Answered {
		c.Answer = wall(r.Answer)
	}
	if r.AnsweredBy >= 0 {
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
		c.Legs[i] = cdr.Leg{URI: l.URI, Start: wall(l.Start), End: wall(l.End), Code: l.Code, Result: l.Result.String()}
		if l.Ext >= 0 {
			c.Legs[i].Extension = s.Extensions[l.Ext].Number
		}
		if l.Group >= 0 {
			c.Legs[i].Group = s.Groups[l.Group].Number
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
