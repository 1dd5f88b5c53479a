package engine

import (
	"strings"
	"time"

	"github.com/ringd/ringd/strategy"
)

// Calls to an extension and the legs that leave ringd: what Compile makes
// of Spec.Services, the ring times and each extension's sequential ring.

// Default ring times of calls to an extension and through a service.
const (
	DefaultExtensionRingTime = 60 * time.Second
	DefaultServiceRingTime   = 60 * time.Second
)

// SeqRingSpec is an extension's enabled sequential ring (its criteria
// decide, call by call, whether it applies): the extension itself first
// when RingBaseFirst is set, then each number in turn.
type SeqRingSpec struct {
	RingBaseFirst bool
	BaseRingTime  time.Duration // 0: the call's ring time
	Numbers       []SeqNumberSpec
	Criteria      []SeqCriterion
}

// SeqNumberSpec is one number of a sequential ring: an extension number
// (all its contacts ring) or an outside number (through the trunk).
type SeqNumberSpec struct {
	Number   string
	RingTime time.Duration // 0: the call's ring time
}

// seqRing is a compiled sequential ring.
type seqRing struct {
	criteria []SeqCriterion
	steps    []seqStep
}

// seqStep is one step of a sequential ring: what rings and for how long
// (0: the call's ring time).
type seqStep struct {
	ext  strategy.ExtID // the extension rung, or -1 for uri
	uri  string         // an outside number through the trunk
	ring int64
}

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
