package engine

import (
	"strings"
	"time"

	"github.com/ringd/ringd/strategy"
)

// Calls to an extension and the legs that leave ringd: what Compile makes
// of Spec.Services, the ring times and each extension's sequential ring.

// serviceURI fills in the template of service t with value, or returns ""
// when the service is not configured.
func (c *compiler) serviceURI(t DestType, value string) string {
	tmpl := c.spec.Services[t]
	if tmpl == "" {
		return ""
	}
	placeholder := "{value}"
	if t == DestExternalNum {
		placeholder = "{number}"
	}
	return strings.ReplaceAll(tmpl, placeholder, value)
}

// extensionRouting compiles what calls to the extensions need: the ring
// times, each extension's voicemail and its sequential ring. Numbers of a
// sequential ring that are no extension ring through the trunk; without a
// trunk they are left out.
func (c *compiler) extensionRouting() {
	c.s.extensionRing = int64(orDefault(c.spec.ExtensionRingTime, DefaultExtensionRingTime))
	c.s.serviceRing = int64(orDefault(c.spec.ServiceRingTime, DefaultServiceRingTime))
	for _, e := range c.spec.Extensions {
		id, ok := c.s.extByNumber[e.Number]
		if !ok {
			continue // its problem is reported already
		}
		x := &c.s.Extensions[id]
		x.Voicemail = c.serviceURI(DestExtVM, e.Number)
		if e.SeqRing != nil {
			x.seq = c.seqRing(id, e.SeqRing)
		}
	}
}

func (c *compiler) seqRing(self strategy.ExtID, spec *SeqRingSpec) *seqRing {
	s := &seqRing{criteria: spec.Criteria}
	if spec.RingBaseFirst {
		s.steps = append(s.steps, seqStep{ext: self, ring: int64(spec.BaseRingTime)})
	}
	for _, n := range spec.Numbers {
		step := seqStep{ext: -1, ring: int64(n.RingTime)}
		if id, ok := c.s.extByNumber[n.Number]; ok {
			step.ext = id
		} else if step.uri = c.serviceURI(DestExternalNum, n.Number); step.uri == "" {
			continue
		}
		s.steps = append(s.steps, step)
	}
	return s
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
