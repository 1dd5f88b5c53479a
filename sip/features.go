package sip

import (
	"slices"
	"strings"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/media"
)

// Feature codes (SPEC §11): what an extension dials to pick up a call
// (*8, **EXT) or to change its own state (*78/*79 DND on/off, *45/*46
// out of / back into its groups). The handler recognises them after the
// caller has authenticated: a state change is written there (it may wait
// on the store), then the driver answers 200 and plays a confirmation
// tone. Pickups are the driver's (pickup.go).

// FeatureCodes are the codes extensions dial; "" turns a feature off.
type FeatureCodes struct {
	Pickup, DirectedPickup, DNDOn, DNDOff, Logout, Login string
	// Off are the default codes of the features turned off: dialled, they
	// get 403 rather than routing as a number.
	Off []string
}

// StateChange is what a feature code changes of the caller's own state;
// nil fields stay as they are.
type StateChange struct {
	DND       *bool
	LoggedOut *bool
}

// change is the state change a dialled number asks for, if any.
func (fc *FeatureCodes) change(number string) (StateChange, bool) {
	on, off := true, false
	switch {
	case number == "":
	case number == fc.DNDOn:
		return StateChange{DND: &on}, true
	case number == fc.DNDOff:
		return StateChange{DND: &off}, true
	case number == fc.Logout:
		return StateChange{LoggedOut: &on}, true
	case number == fc.Login:
		return StateChange{LoggedOut: &off}, true
	}
	return StateChange{}, false
}

// pick is the pickup a dialled number or a Replaces header asks for, if
// any.
func (fc *FeatureCodes) pick(req *sip.Request, number string) *pickRequest {
	if h := req.GetHeader("Replaces"); h != nil {
		if p, ok := parseReplaces(h.Value()); ok {
			return p
		}
	}
	switch {
	case number == "":
	case number == fc.Pickup:
		return &pickRequest{kind: pickGroup}
	case fc.DirectedPickup != "" && len(number) > len(fc.DirectedPickup) && strings.HasPrefix(number, fc.DirectedPickup):
		return &pickRequest{kind: pickDirected, ext: number[len(fc.DirectedPickup):]}
	}
	return nil
}

// feature handles an INVITE's feature code on the handler's goroutine. It
// reports false when it answered the INVITE itself (403, 488, 500); else
// the call goes to the driver, marked with what it asks for.
func (s *Server) feature(c *call) bool {
	set := s.settings.Load()
	fc := &set.Features
	if c.pick = fc.pick(c.req, c.number); c.pick != nil {
		if c.callerExt == "" && c.pick.kind != pickReplaces {
			s.replies.respond(c.tx, c.req, 403, "Forbidden") // only an extension picks up
			return false
		}
		return true
	}
	ch, ok := fc.change(c.number)
	if !ok {
		if slices.Contains(fc.Off, c.number) {
			s.replies.respond(c.tx, c.req, 403, "Forbidden")
			return false
		}
		return true
	}
	if c.callerExt == "" || set.SetState == nil {
		s.replies.respond(c.tx, c.req, 403, "Forbidden")
		return false
	}
	if _, err := media.ParseOffer(c.req.Body()); err != nil {
		s.replies.respond(c.tx, c.req, 488, "Not Acceptable Here") // the tone could not be played
		return false
	}
	if err := set.SetState(c.callerExt, ch); err != nil {
		s.log.Error("feature code not applied", zap.String("extension", c.callerExt), zap.String("code", c.number), zap.Error(err))
		s.replies.respond(c.tx, c.req, 500, "Server Internal Error")
		return false
	}
	s.log.Info("feature code", zap.String("extension", c.callerExt), zap.String("code", c.number))
	c.confirm = true
	return true
}

// confirmFeature answers a feature code that did its work: 200, the
// confirmation tone once the caller has acknowledged, then BYE.
func (d *driver) confirmFeature(c *call) {
	d.answerAndPlay(c, []*media.Prompt{media.ConfirmTone}, "feature code")
}
