package sip

import (
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/dialoginfo"
	"github.com/ringd/ringd/sip/proxy"
)

// BLF on the driver (SPEC §11, RFC 4235 / RFC 6665): the subscriptions
// (dialoginfo.Table), the 200 and the first NOTIFY of each SUBSCRIBE,
// and a NOTIFY with the full state to every watcher of an extension
// whose dialogs changed. Engine events mark the extensions of the call
// they touch (touchBLF); after each batch flushBLF compares each marked
// extension's dialogs with what its watchers were last told and notifies
// on a change. A NOTIFY answered with a failure (481, 404, ...) ends its
// subscription; subscriptions not refreshed in time end with a last
// NOTIFY (housekeeping).

// blf is the driver's BLF state.
type blf struct {
	table    *dialoginfo.Table
	dirty    map[string]bool            // extensions whose dialogs may have changed
	told     map[string]string          // what each watched extension's watchers were last told
	notifies map[string]*dialoginfo.Sub // NOTIFY transactions in flight, by branch
}

func newBLF() blf {
	return blf{table: dialoginfo.New(dialoginfo.Limits{}), dirty: map[string]bool{}, told: map[string]string{},
		notifies: map[string]*dialoginfo.Sub{}}
}

// subscribe answers a SUBSCRIBE (authenticated as user) and sends the
// NOTIFY that follows a 200.
func (d *driver) subscribe(req *sip.Request, tx sip.ServerTransaction, user string) {
	now := d.clock.Now().UnixNano()
	p := dialoginfo.SubscribeParams{
		CallID: proxy.CallID(req), FromTag: proxy.FromTag(req), ToTag: proxy.ToTag(req), Initial: proxy.ToTag(req) == "",
		Watched: req.Recipient.User, Subscriber: user, Expires: -1, Source: req.Source(),
	}
	if p.Initial {
		p.ToTag = uuid.NewString()[:8]
	}
	if h := req.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n >= 0 {
			p.Expires = n
		}
	}
	if to := req.To(); to != nil {
		p.LocalURI = to.Address.String()
	}
	if from := req.From(); from != nil {
		p.RemoteURI = from.Address.String()
	}
	if c := req.Contact(); c != nil {
		p.Contact = c.Address.String()
	}
	for _, h := range req.GetHeaders("Record-Route") {
		p.RouteSet = append(p.RouteSet, h.Value())
	}
	sub, expires, code := d.blf.table.Subscribe(p, now)
	switch code {
	case 200:
		res := proxy.LocalResponse(d.self, req, 200, "OK", sub.Key().ToTag, nil)
		res.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
		_ = d.replies.reply(tx, res)
		if sub.Terminated() {
			d.local.remove(p.CallID)
		} else {
			d.local.add(p.CallID)
		}
		d.notify(sub, now, d.dialogsOf(sub.Watched()))
	case 423:
		d.replies.respond(tx, req, 423, "Interval Too Brief", sip.NewHeader("Min-Expires", strconv.Itoa(expires)))
	default:
		d.replies.respond(tx, req, code, proxy.ReasonPhrase(code))
	}
}

// notify sends sub a NOTIFY with the full state of its extension, whose
// dialogs are dialogs.
func (d *driver) notify(sub *dialoginfo.Sub, now int64, dialogs []dialoginfo.Dialog) {
	var contact sip.Uri
	if sip.ParseUri(sub.Contact(), &contact) != nil {
		return // the SUBSCRIBE had no usable Contact: nowhere to send it
	}
	target := d.reach.uri(contact)
	if rs := sub.RouteSet(); len(rs) > 0 {
		target.Route = nil
		for _, r := range rs {
			var u sip.Uri
			if sip.ParseUri(strings.Trim(strings.TrimSpace(strings.SplitN(r, ";lr", 2)[0]), "<>"), &u) == nil {
				target.Route = append(target.Route, u)
			}
		}
	}
	var local, remote sip.Uri
	_ = sip.ParseUri(sub.LocalURI(), &local)
	_ = sip.ParseUri(sub.RemoteURI(), &remote)
	from := &sip.FromHeader{Address: local, Params: sip.NewParams()}
	from.Params.Add("tag", sub.Key().ToTag)
	to := &sip.ToHeader{Address: remote, Params: sip.NewParams()}
	to.Params.Add("tag", sub.Key().FromTag)
	callID := sip.CallIDHeader(sub.Key().CallID)
	req, tp := proxy.UACRequest(d.self, sip.NOTIFY, target, from, to, &callID, sub.NextCSeq())
	req.AppendHeader(proxy.Contact(d.self, tp))
	req.AppendHeader(sip.NewHeader("Event", dialoginfo.Event))
	req.AppendHeader(sip.NewHeader("Subscription-State", sub.SubscriptionState(now)))
	req.AppendHeader(sip.NewHeader("Content-Type", dialoginfo.ContentType))
	req.SetBody(dialoginfo.Body(d.entity(sub.Watched()), sub.NextVersion(), true, dialogs))
	if via := req.Via(); via != nil {
		if branch, ok := via.Params.Get("branch"); ok && !sub.Terminated() {
			d.blf.notifies[branch] = sub
		}
	}
	d.originate(req)
}

// notified: a NOTIFY got its final answer. A failure ends the
// subscription (RFC 6665 §4.1.3), but for a challenge ringd cannot answer.
func (d *driver) notified(branch string, code int) {
	sub, ok := d.blf.notifies[branch]
	if !ok || code < 200 {
		return
	}
	delete(d.blf.notifies, branch)
	if code >= 300 && code != 401 && code != 407 && d.blf.table.Remove(sub, dialoginfo.ReasonRejected) {
		d.local.remove(sub.Key().CallID)
		d.log.Info("BLF subscription ended by its NOTIFY's answer", zap.String("watched", sub.Watched()),
			zap.String("subscriber", sub.Subscriber()), zap.Int("code", code))
	}
}

// expireBLF ends the subscriptions not refreshed in time, each with a last
// NOTIFY.
func (d *driver) expireBLF() {
	now := d.clock.Now().UnixNano()
	for _, sub := range d.blf.table.Expire(now) {
		d.local.remove(sub.Key().CallID)
		d.notify(sub, now, d.dialogsOf(sub.Watched()))
	}
}

// touchBLF marks the extensions of call c (its caller, its legs) as
// possibly changed, when someone watches them.
func (d *driver) touchBLF(c *call) {
	if c == nil || d.blf.table.Len() == 0 {
		return
	}
	if c.callerExt != "" {
		d.blf.dirty[c.callerExt] = true
	}
	for _, l := range c.legs {
		if l.ext != "" {
			d.blf.dirty[l.ext] = true
		}
	}
}

// flushBLF notifies the watchers of every marked extension whose dialogs
// changed since they were last told.
func (d *driver) flushBLF() {
	if len(d.blf.dirty) == 0 {
		return
	}
	now := d.clock.Now().UnixNano()
	for ext := range d.blf.dirty {
		delete(d.blf.dirty, ext)
		subs := d.blf.table.Watchers(ext)
		if len(subs) == 0 {
			delete(d.blf.told, ext)
			continue
		}
		dialogs := d.dialogsOf(ext)
		state := string(dialoginfo.Body(d.entity(ext), 0, true, dialogs))
		if d.blf.told[ext] == state {
			continue
		}
		d.blf.told[ext] = state
		for _, sub := range subs {
			if sub.ExpiresAt() > now {
				d.notify(sub, now, dialogs)
			}
		}
	}
}

// entity is the URI a watched extension's documents are about.
func (d *driver) entity(ext string) string { return "sip:" + ext + "@" + d.set.Domain }
