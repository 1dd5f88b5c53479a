package config

import "github.com/ringd/ringd/engine"

// Sequential ring of an extension (SPEC §5). These live in the store and
// are managed through the admin API; the config file does not carry them.

// SequentialRing is an extension's sequential-ring settings.
type SequentialRing struct {
	ID            int64       `yaml:"-" json:"id"`
	Extension     string      `yaml:"extension" json:"extension"`
	Enabled       bool        `yaml:"enabled" json:"enabled"`
	RingBaseFirst bool        `yaml:"ring_base_first" json:"ring_base_first"`
	BaseRingTime  int         `yaml:"base_ring_time" json:"base_ring_time"` // seconds
	Numbers       []SeqNumber `yaml:"numbers" json:"numbers"`               // at most MaxSeqNumbers
}

// SeqNumber is one number rung in sequence.
type SeqNumber struct {
	Number   string `yaml:"number" json:"number"`       // an extension or an external number (via the trunk)
	RingTime int    `yaml:"ring_time" json:"ring_time"` // seconds
}

// MaxSeqNumbers is how many numbers a sequential ring may list.
const MaxSeqNumbers = 5

// Criterion gates an extension's sequential ring (SPEC §5).
type Criterion struct {
	ID                        int64    `yaml:"-" json:"id"`
	Extension                 string   `yaml:"extension" json:"extension"`
	ScheduleName              string   `yaml:"schedule_name,omitempty" json:"schedule_name,omitempty"`
	ScheduleType              string   `yaml:"schedule_type,omitempty" json:"schedule_type,omitempty"`   // business_hours | holidays
	ScheduleLevel             string   `yaml:"schedule_level,omitempty" json:"schedule_level,omitempty"` // GROUP
	CallsFrom                 string   `yaml:"calls_from" json:"calls_from"`                             // ANY_PHONE_NUMBER | SELECT_PHONE_NUMBERS
	AnonymousCallersEnabled   bool     `yaml:"anonymous_callers_enabled" json:"anonymous_callers_enabled"`
	UnavailableCallersEnabled bool     `yaml:"unavailable_callers_enabled" json:"unavailable_callers_enabled"`
	PhoneNumbers              []string `yaml:"phone_numbers,omitempty" json:"phone_numbers,omitempty"`
	RingEnabled               *bool    `yaml:"ring_enabled" json:"ring_enabled"` // required
}

// seqRingSpecs returns the enabled sequential rings by extension number,
// as the engine routes them. A criterion naming a schedule that does not
// exist never applies.
func (c *Config) seqRingSpecs() map[string]*engine.SeqRingSpec {
	cals := c.calendars()
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
