package engine

import "strings"

// Sequential ring criteria (SPEC §5, the Webex Calling semantics): whether
// a call to an extension rings its sequential-ring numbers. Pure: the
// wall time and what the caller is come in with the call.

// Caller is who places a call: Name is what its call record shows (the
// From user, or the whole From URI when it has none); the criteria look at
// the number (the From user) and whether it is anonymous (From user
// "anonymous", or Privacy: id) or unavailable (no usable number).
type Caller struct {
	Name        string
	Number      string
	Anonymous   bool
	Unavailable bool
}

// ClassifyCaller reads a caller from the From URI's user part and the
// Privacy header's value; Name is left for the caller to set.
func ClassifyCaller(fromUser, privacy string) Caller {
	c := Caller{Number: fromUser}
	for _, p := range strings.FieldsFunc(strings.ToLower(privacy), func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		if p == "id" || p == "user" {
			c.Anonymous = true
		}
	}
	if strings.EqualFold(fromUser, "anonymous") {
		c.Anonymous = true
	}
	if !c.Anonymous && !dialable(fromUser) {
		c.Unavailable = true
	}
	return c
}

// dialable: digits, with an optional leading + (and the * and # of
// feature codes).
func dialable(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '*' && r != '#' {
			return false
		}
	}
	return true
}

// SeqCriterion is one criterion, compiled.
type SeqCriterion struct {
	// Schedule, when set, must be active for the criterion to apply:
	// during its hours (business_hours) or on its dates (holidays:
	// Holidays true).
	Schedule    Schedule
	Holidays    bool
	AnyCaller   bool     // ANY_PHONE_NUMBER; else SELECT_PHONE_NUMBERS
	Anonymous   bool     // anonymous callers match (SELECT)
	Unavailable bool     // unavailable callers match (SELECT)
	Numbers     []string // numbers that match (SELECT)
	Ring        bool     // ring_enabled
}

// applies reports whether the criterion covers this call.
func (c *SeqCriterion) applies(wall int64, caller Caller) bool {
	if c.Schedule != nil && c.Schedule.Open(wall) == c.Holidays {
		return false // a business_hours schedule that is closed, or a holidays one that is not on
	}
	if c.AnyCaller {
		return true
	}
	switch {
	case caller.Anonymous:
		return c.Anonymous
	case caller.Unavailable:
		return c.Unavailable
	}
	want := normalizeNumber(caller.Number)
	for _, n := range c.Numbers {
		if normalizeNumber(n) == want {
			return true
		}
	}
	return false
}

// normalizeNumber drops the spaces, dashes, dots and brackets people write
// numbers with.
func normalizeNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')':
			return -1
		}
		return r
	}, s)
}

// SeqRingApplies decides whether a call rings the sequential-ring numbers:
// a criterion that applies with ring disabled wins; else one that applies
// with ring enabled; else no sequential ring.
func SeqRingApplies(criteria []SeqCriterion, wall int64, caller Caller) bool {
	ring := false
	for i := range criteria {
		if criteria[i].applies(wall, caller) {
			if !criteria[i].Ring {
				return false
			}
			ring = true
		}
	}
	return ring
}
