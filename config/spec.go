package config

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/calendar"
	"github.com/ringd/ringd/strategy"
)

// Spec builds the engine's view of the configuration: extensions with
// their sequential rings, groups, the services and their ring time. It
// never fails:
// values that do not parse (an unknown strategy or destination type) become
// zero values, which engine.Compile rejects or Validate reports.
// A group's schedule becomes a calendar.Calendar (see calendars); a group
// without one, or naming one that does not parse, is always open.
func (c *Config) Spec() engine.Spec {
	s := engine.Spec{
		Domain:          c.SIP.Domain,
		Extensions:      make([]engine.ExtensionSpec, len(c.Extensions)),
		ExtensionGroups: make([]engine.ExtensionGroupSpec, len(c.ExtensionGroups)),
		Groups:          make([]engine.GroupSpec, len(c.RingGroups)),
		Services:        map[engine.DestType]string{},
		ServiceRingTime: seconds(c.Services.RingTime),
	}
	for _, t := range serviceTypes {
		if tmpl := c.Services.Template(t); tmpl != "" {
			s.Services[t] = tmpl
		}
	}
	cals := c.calendars()
	seq := c.seqRingSpecs(cals)
	for i, e := range c.Extensions {
		s.Extensions[i] = engine.ExtensionSpec{Number: e.Number, Name: e.Name, SeqRing: seq[e.Number]}
	}
	for i, eg := range c.ExtensionGroups {
		s.ExtensionGroups[i] = engine.ExtensionGroupSpec{Name: eg.Name, Extensions: eg.Extensions}
	}
	for i := range c.RingGroups {
		s.Groups[i] = groupSpec(&c.RingGroups[i])
		if cal, ok := cals[c.RingGroups[i].Schedule]; ok {
			s.Groups[i].Schedule = cal
		}
	}
	return s
}

func groupSpec(g *RingGroup) engine.GroupSpec {
	kind, _ := strategy.ParseKind(g.Strategy)
	members := make([]engine.MemberSpec, len(g.Members))
	for i, m := range g.Members {
		members[i] = engine.MemberSpec{
			Extension: m.Extension, ExtGroup: m.ExtGroup, Skill: m.SkillLevel,
			Delay: seconds(m.Delay), Timeout: seconds(m.Timeout), Weight: m.Weight,
		}
	}
	return engine.GroupSpec{
		Number: g.Number, Name: g.Name, Strategy: kind,
		RingTime: seconds(g.RingTime), SkipBusy: g.SkipBusy,
		PAI: g.PAI, RPID: g.RPID, ToExtension: g.ToExtension,
		AlertInfo: g.AlertInfo, RecordMissed: g.RecordMissed, Members: members,
		CIDNamePrefix: g.CIDNamePrefix, SilentCancel: !g.AnsweredElsewhere, Repeats: g.Repeats,
		WrapUp: seconds(g.WrapUp), RejectCooldown: seconds(g.RejectCooldown),
		OnNoAnswer:    destinationSpec(g.OnNoAnswer),
		OnNoAgent:     destinationSpec(g.OnNoAgent),
		OutOfSchedule: destinationSpec(g.OutOfSchedule),
	}
}

func destinationSpec(d Destination) engine.DestinationSpec {
	t, ok := parseDestType(d.Dest)
	if !ok {
		return engine.DestinationSpec{}
	}
	out := engine.DestinationSpec{Type: t, Value: d.Value, Prefix: d.Prefix}
	if t == engine.DestPlayGreeting {
		out.Prefix = ""
		out.Repeat, _ = strconv.Atoi(strings.TrimSpace(d.Prefix))
	}
	return out
}

// seqRingSpecs returns the enabled sequential rings by extension number,
// as the engine routes them, with the schedules' calendars by name. A
// criterion naming a schedule that does not exist never applies.
func (c *Config) seqRingSpecs(cals map[string]*calendar.Calendar) map[string]*engine.SeqRingSpec {
	out := map[string]*engine.SeqRingSpec{}
	for _, s := range c.SequentialRings {
		if !s.Enabled || len(s.Numbers) == 0 {
			continue
		}
		p := &engine.SeqRingSpec{RingBaseFirst: s.RingBaseFirst, BaseRingTime: seconds(s.BaseRingTime)}
		for _, n := range s.Numbers {
			p.Numbers = append(p.Numbers, engine.SeqNumberSpec{Number: n.Number, RingTime: seconds(n.RingTime)})
		}
		for _, cr := range c.Criteria {
			if cr.Extension != s.Extension || cr.RingEnabled == nil {
				continue
			}
			sc := engine.SeqCriterion{
				AnyCaller: cr.CallsFrom != "SELECT_PHONE_NUMBERS", Anonymous: cr.AnonymousCallersEnabled,
				Unavailable: cr.UnavailableCallersEnabled, Numbers: cr.PhoneNumbers, Ring: *cr.RingEnabled,
			}
			if cr.ScheduleName != "" {
				cal, ok := cals[cr.ScheduleName]
				if !ok {
					continue
				}
				sc.Schedule, sc.Holidays = cal, c.scheduleType(cr.ScheduleName) == "holidays"
			}
			p.Criteria = append(p.Criteria, sc)
		}
		out[s.Extension] = p
	}
	return out
}

// scheduleType is the type of the schedule named name ("" if none).
func (c *Config) scheduleType(name string) string {
	for _, s := range c.Schedules {
		if s.Name == name {
			return s.Type
		}
	}
	return ""
}

// seconds converts whole seconds to a Duration, saturating instead of
// overflowing (the engine reports the range).
func seconds(n int) time.Duration {
	const limit = math.MaxInt64 / int64(time.Second)
	switch {
	case int64(n) > limit:
		n = int(limit)
	case int64(n) < -limit:
		n = int(-limit)
	}
	return time.Duration(n) * time.Second
}
