package engine

import "strconv"

// destination checks a failover destination of group self, configured at
// path at, and resolves it: the ID of a chained group, the number and URI
// of the trunk or a service.
func (c *compiler) destination(at string, d DestinationSpec, self string) Destination {
	out := Destination{Type: d.Type, Value: d.Value, Prefix: d.Prefix, Repeat: d.Repeat, Group: -1}
	switch d.Type {
	case DestEndCall:
	case DestExtension:
		if _, ok := c.s.extByNumber[d.Value]; !ok {
			c.fail(at+".value", "unknown extension "+strconv.Quote(d.Value))
		}
	case DestRingGroup:
		id, ok := c.s.groupByNumber[d.Value]
		switch {
		case d.Value == self:
			c.fail(at+".value", "a ring group cannot fail over to itself")
		case !ok:
			c.fail(at+".value", "unknown ring group "+strconv.Quote(d.Value))
		}
		out.Group = id
	case DestExternalNum:
		if !validDial(d.Value, 64) {
			c.fail(at+".value", "must be a number (1-64 of 0-9 + * #), got "+strconv.Quote(d.Value))
		}
		if d.Prefix != "" && !validDial(d.Prefix, MaxPrefixLen) {
			c.fail(at+".prefix", "must be at most 7 characters of 0-9 + * #")
		}
		out.Number = d.Prefix + d.Value
		out.URI = c.serviceURI(DestExternalNum, out.Number)
	case DestExtVM, DestGroupVM, DestIVR, DestCallFlow, DestQueue:
		if !validToken(d.Value) {
			c.fail(at+".value", "must be 1-64 of A-Z a-z 0-9 . _ + * # -, got "+strconv.Quote(d.Value))
		}
		out.URI = c.serviceURI(d.Type, d.Value)
	case DestPlayGreeting:
		if d.Value == "" || len(d.Value) > 255 {
			c.fail(at+".value", "prompt file required (at most 255 characters)")
		}
		if d.Repeat < 0 || d.Repeat > MaxRepeat {
			c.fail(at+".prefix", "repeat count must be 0-5, got "+strconv.Itoa(d.Repeat))
		}
	default:
		c.fail(at+".dest", "unknown destination type")
	}
	return out
}
