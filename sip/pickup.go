package sip

import (
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/strategy"
)

// Pickup (SPEC §11). An extension dialling *8 takes the oldest call
// ringing in a group it is a member of; **EXT the oldest call ringing at
// EXT; an INVITE with Replaces naming a ringing call's dialog (its
// Call-ID, and the caller's From tag as either tag) that call. The driver
// picks the call, opens the media of both sides (the picker must offer the
// caller's codec), and steps engine.Pickup: the engine cancels the legs
// still ringing and says ActPickup. ringd then answers the caller and the
// picker itself, 200 with its own SDP each, and bridges their RTP (two
// ports, media.Bridge). A BYE from either side hangs up the other. Nothing
// to pick up: 480 (a Replaces naming no ringing call routes as usual: it
// may be an attended transfer).

type pickKind uint8

const (
	pickGroup    pickKind = iota + 1 // *8
	pickDirected                     // **EXT
	pickReplaces                     // INVITE with Replaces
)

var pickKindNames = [...]string{pickGroup: "group", pickDirected: "directed", pickReplaces: "replaces"}

// pickRequest is what a picker's INVITE asks for.
type pickRequest struct {
	kind pickKind
	ext  string // pickDirected: the extension whose call it takes
	// pickReplaces: the dialog named (RFC 3891)
	callID, toTag, fromTag string
}

// parseReplaces reads a Replaces header value: call-id;to-tag=..;from-tag=..
func parseReplaces(v string) (*pickRequest, bool) {
	parts := strings.Split(v, ";")
	p := &pickRequest{kind: pickReplaces, callID: strings.TrimSpace(parts[0])}
	for _, kv := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch strings.ToLower(k) {
		case "to-tag":
			p.toTag = val
		case "from-tag":
			p.fromTag = val
		}
	}
	return p, p.callID != ""
}

// pickup is a call picked up: ringd is the UAS of the caller's dialog
// and of the picker's, and bridges their audio.
type pickup struct {
	c, picker *call
	kind      pickKind
	ext       string     // the picker
	cm, pm    *callMedia // ringd's ends towards the caller and the picker
	freshCM   bool       // cm was opened for the pickup (not the call's prompts)
	bridge    *media.Bridge
	ended     bool
}

// arrivePickup handles a picker's INVITE. It reports false when the
// INVITE is not a pickup after all (a Replaces naming no ringing call):
// the caller then routes as usual.
func (d *driver) arrivePickup(p *call) bool {
	snap := d.eng.Snapshot()
	x, known := snap.Extension(p.callerExt)
	target := d.pickable(p, x)
	switch {
	case target == nil && p.pick.kind == pickReplaces:
		return false
	case !known:
		d.respondCaller(p, 403)
		return true
	case target == nil:
		d.respondCaller(p, 480)
		return true
	}
	pm, code, err := d.openMedia(p.req)
	if err != nil {
		d.respondCaller(p, code)
		return true
	}
	pk := &pickup{c: target, picker: p, kind: p.pick.kind, ext: p.callerExt, pm: pm, cm: target.media}
	if pk.cm == nil {
		if pk.cm, code, err = d.openMedia(target.req); err != nil {
			pm.close()
			d.log.Info("pickup refused: the caller's offer", zap.String("call_id", target.callID), zap.Error(err))
			d.respondCaller(p, code)
			return true
		}
		pk.freshCM = true
	}
	if !slices.Contains(pm.offer.Codecs, pk.cm.codec) {
		pk.closeMedia()
		d.respondCaller(p, 488) // no transcoding: the picker must speak the caller's codec
		return true
	}
	pm.codec = pk.cm.codec
	d.fed = append(d.fed, fedEvent{ev: engine.Event{Kind: engine.EvPickup, At: d.now(), Call: target.id, Ext: x}, pick: pk})
	return true
}

// pickable is the call picker p asks for, if one rings: the oldest that
// matches.
func (d *driver) pickable(p *call, x strategy.ExtID) *call {
	var best *call
	target, known := d.eng.Snapshot().Extension(p.pick.ext) // pickDirected: whose call
	for _, c := range d.calls {
		if c.ended || c.final || !d.eng.Pickable(c.id) || c.callerExt != "" && c.callerExt == p.callerExt {
			continue
		}
		ok := false
		switch r := p.pick; r.kind {
		case pickGroup:
			ok = c.group && x >= 0 && d.eng.InGroup(c.id, x)
		case pickDirected:
			ok = known && d.eng.RingingAt(c.id, target)
		case pickReplaces:
			from := proxy.FromTag(c.req)
			ok = c.callID == r.callID && (r.fromTag == from || r.toTag == from || r.fromTag == "" && r.toTag == "")
		}
		if ok && (best == nil || c.arrived < best.arrived) {
			best = c
		}
	}
	return best
}

// pickRefused: the engine did not let the call be picked up (it was
// answered or ended first).
func (d *driver) pickRefused(pk *pickup) {
	pk.closeMedia()
	d.respondCaller(pk.picker, 480)
}

// closeMedia gives back the ports the pickup opened.
func (pk *pickup) closeMedia() {
	pk.pm.close()
	if pk.freshCM {
		pk.cm.close()
	}
}

// pickedUp carries out ActPickup: both sides answered, their audio
// bridged, both extensions busy.
func (d *driver) pickedUp(c *call, pk *pickup) {
	p := pk.picker
	if c.media == pk.cm {
		c.media = nil // the pickup owns it from here
	}
	pk.cm.stopPlayer()
	d.pickups[c.callID], d.pickups[p.callID] = pk, pk
	d.local.add(c.callID)
	d.local.add(p.callID)
	d.busyChanged(d.dialogs.Add(c.callID, d.clock.Now(), pk.ext, c.callerExt))
	d.dialogs.Confirm(c.callID)
	pk.bridge = media.NewBridge(pk.cm.port.Conn, pk.pm.port.Conn, pk.cm.offer.Addr, pk.pm.offer.Addr)
	okC := d.replies.reply(c.tx, proxy.LocalResponse(d.self, c.req, 200, "OK", pk.cm.tag, d.mediaSDP(pk.cm, c.req.Transport(), "sendrecv")))
	c.finish()
	okP := d.replies.reply(p.tx, proxy.LocalResponse(d.self, p.req, 200, "OK", pk.pm.tag, d.mediaSDP(pk.pm, p.req.Transport(), "sendrecv")))
	p.finish()
	d.metrics.Pickup(pickKindNames[pk.kind])
	d.log.Info("call picked up", zap.String("call_id", c.callID), zap.String("picker", pk.ext),
		zap.String("kind", pickKindNames[pk.kind]), zap.String("picker_call_id", p.callID))
	if okC != nil || okP != nil {
		d.endPickup(pk, "")
	}
}

// endPickup ends a pickup: a BYE came from the side whose Call-ID is from
// ("" for neither: ringd hangs up both), so ringd hangs up the other.
func (d *driver) endPickup(pk *pickup, from string) {
	if pk.ended {
		return
	}
	pk.ended = true
	c, p := pk.c, pk.picker
	if from != c.callID {
		d.originate(proxy.UASBye(d.self, c.req, pk.cm.tag))
	}
	if from != p.callID {
		d.originate(proxy.UASBye(d.self, p.req, pk.pm.tag))
	}
	if pk.bridge != nil {
		pk.bridge.Close()
	}
	pk.pm.close()
	pk.cm.close()
	for _, id := range []string{c.callID, p.callID} {
		delete(d.pickups, id)
		d.local.remove(id)
	}
	d.busyChanged(d.dialogs.End(c.callID))
	if !c.ended {
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
	}
}

// execPickup steps a pickup's engine event: ActPickup answers both sides;
// an engine that refused (the call was answered or ended meanwhile) gives
// the picker 480.
func (d *driver) execPickup(pk *pickup) {
	d.picking = pk
	d.exec(d.out)
	if d.picking == pk {
		d.picking = nil
		d.pickRefused(pk)
	}
}
