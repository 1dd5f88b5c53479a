package sip

import (
	"strconv"

	"github.com/ringd/ringd/sip/dialoginfo"
	"github.com/ringd/ringd/sip/proxy"
)

// dialogsOf lists extension ext's dialogs as BLF shows them: legs ringing
// there (early, with what a phone needs to pick the call up: the call's
// Call-ID, the caller's From tag as remote tag, the member's To tag as
// local tag once it rang, and the directed-pickup URI as remote target),
// calls it places that ring, and calls it is on (confirmed).
func (d *driver) dialogsOf(ext string) []dialoginfo.Dialog {
	var out []dialoginfo.Dialog
	local := d.entity(ext)
	for _, c := range d.calls {
		if c.ended {
			continue
		}
		caller, callerName, callerTag := d.party(c)
		for _, l := range c.legs {
			if l.ext != ext || l.over {
				continue
			}
			dl := dialoginfo.Dialog{ID: c.callID + "-" + strconv.Itoa(l.index), CallID: c.callID, RemoteTag: callerTag,
				Direction: dialoginfo.Recipient, State: dialoginfo.Proceeding, Local: local, Remote: caller, RemoteName: callerName}
			if l.prov != nil {
				if tag := proxy.ToTag(l.prov); tag != "" {
					dl.State, dl.LocalTag = dialoginfo.Early, tag
				}
			}
			if p := d.set.Features.DirectedPickup; p != "" {
				dl.RemoteTarget = "sip:" + p + ext + "@" + d.set.Domain
			}
			out = append(out, dl)
		}
		if c.callerExt == ext && !c.final {
			out = append(out, dialoginfo.Dialog{ID: c.callID, CallID: c.callID, LocalTag: callerTag,
				Direction: dialoginfo.Initiator, State: dialoginfo.Early, Local: local, Remote: "sip:" + c.number + "@" + d.set.Domain})
		}
	}
	for _, c := range d.talking {
		caller, callerName, callerTag := d.party(c)
		for _, l := range c.legs {
			if l.ext == ext && l.answer != nil {
				out = append(out, dialoginfo.Dialog{ID: c.callID, CallID: c.callID, LocalTag: proxy.ToTag(l.answer), RemoteTag: callerTag,
					Direction: dialoginfo.Recipient, State: dialoginfo.Confirmed, Local: local, Remote: caller, RemoteName: callerName})
				break
			}
		}
		if c.callerExt == ext {
			out = append(out, dialoginfo.Dialog{ID: c.callID, CallID: c.callID, LocalTag: callerTag,
				Direction: dialoginfo.Initiator, State: dialoginfo.Confirmed, Local: local, Remote: "sip:" + c.number + "@" + d.set.Domain})
		}
	}
	seen := map[*pickup]bool{}
	for _, pk := range d.pickups {
		if seen[pk] {
			continue
		}
		seen[pk] = true
		caller, callerName, _ := d.party(pk.c)
		switch ext {
		case pk.ext:
			out = append(out, dialoginfo.Dialog{ID: pk.picker.callID, CallID: pk.picker.callID, LocalTag: proxy.FromTag(pk.picker.req),
				RemoteTag: pk.pm.tag, Direction: dialoginfo.Initiator, State: dialoginfo.Confirmed, Local: local, Remote: caller, RemoteName: callerName})
		case pk.c.callerExt:
			out = append(out, dialoginfo.Dialog{ID: pk.c.callID, CallID: pk.c.callID, LocalTag: proxy.FromTag(pk.c.req),
				RemoteTag: pk.cm.tag, Direction: dialoginfo.Initiator, State: dialoginfo.Confirmed, Local: local, Remote: d.entity(pk.ext)})
		}
	}
	return out
}

// party is the caller of c as BLF shows it: its From URI, display name and tag.
func (d *driver) party(c *call) (uri, name, tag string) {
	if f := c.req.From(); f != nil {
		uri, name = f.Address.String(), f.DisplayName
	}
	return uri, name, proxy.FromTag(c.req)
}
