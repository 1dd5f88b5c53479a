package sip

import (
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
)

// SeqRing is an extension's enabled sequential ring (SPEC §5): a call to
// the extension that its criteria let through rings the extension itself
// first (with RingBaseFirst, for BaseRingTime), then each number in turn
// for its ring time. Extension numbers ring all their contacts; other
// numbers go out through the trunk. The first answer wins; when nobody
// answers, the call goes to the extension's voicemail (services.ext_vm),
// or the caller gets 480.
type SeqRing struct {
	RingBaseFirst bool
	BaseRingTime  time.Duration // 0: ExtensionRingTime
	Numbers       []SeqNumber
	Criteria      []engine.SeqCriterion
}

// SeqNumber is one number of a sequential ring and how long it rings.
type SeqNumber struct {
	Number   string
	RingTime time.Duration // 0: ExtensionRingTime
}

// seqRingFor returns the sequential ring a call to ext takes, if its
// criteria say it does.
func (s *Server) seqRingFor(req *sip.Request, ext string) *SeqRing {
	st := s.settings.Load()
	e, ok := st.Extensions[ext]
	if !ok || e.SeqRing == nil {
		return nil
	}
	wall := st.now()
	var user, privacy string
	if f := req.From(); f != nil {
		user = f.Address.User
	}
	if h := req.GetHeader("Privacy"); h != nil {
		privacy = h.Value()
	}
	if !engine.SeqRingApplies(e.SeqRing.Criteria, wall.UnixNano(), engine.ClassifyCaller(user, privacy)) {
		return nil
	}
	return e.SeqRing
}

// seqStep is one thing a sequential ring rings.
type seqStep struct {
	targets []sip.Uri
	ext     string // the extension rung, "" for an external number
	ringFor time.Duration
}

// sequentialRing rings the steps one after another until one answers,
// the caller leaves, or none is left (480).
func (s *Server) sequentialRing(req *sip.Request, tx sip.ServerTransaction, ext, callerExt string, extra []sip.Header, seq *SeqRing) {
	st := s.settings.Load()
	orDefault := func(d time.Duration) time.Duration {
		if d <= 0 {
			return st.ExtensionRingTime
		}
		return d
	}
	var steps []seqStep
	if seq.RingBaseFirst {
		steps = append(steps, seqStep{ext: ext, ringFor: orDefault(seq.BaseRingTime)})
	}
	for _, n := range seq.Numbers {
		step := seqStep{ext: n.Number, ringFor: orDefault(n.RingTime)}
		if _, isExt := st.Extensions[n.Number]; !isExt { // an outside number: through the trunk
			step.ext = ""
			if u, ok := expand(st.Services["trunk"], "{number}", n.Number); ok {
				step.targets = []sip.Uri{u}
			}
		}
		steps = append(steps, step)
	}
	for i, step := range steps {
		targets := step.targets
		if step.ext != "" {
			if e := st.Extensions[step.ext]; e.DND {
				continue
			}
			targets = s.loc.Contacts(step.ext, time.Now())
		}
		if len(targets) == 0 {
			continue // nobody to ring there (offline, no trunk): the next one
		}
		s.log.Debug("sequential ring", zap.String("call_id", callID(req)), zap.String("extension", ext),
			zap.Int("step", i), zap.String("rings", step.ext), zap.Duration("for", step.ringFor))
		p := s.startProxy(req, tx, targets, extra, step.ext, callerExt, step.ringFor, true)
		if p.waitStep() {
			return
		}
	}
	if _, vm := voicemail(st, ext); vm {
		s.toVoicemail(req, tx, ext, callerExt, extra)
		return
	}
	s.respond(tx, req, 480, "Temporarily Unavailable")
}
