package sip

import (
	"strconv"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/registrar"
)

// keepalives keep the NAT bindings of phones registered over UDP from
// behind NAT open (SPEC §10 sip.nat.keepalive): every interval the driver
// sends each of them an OPTIONS, to the REGISTER's source; any response
// counts as an answer. A contact that answered none of the last three is
// dropped, as if it had unregistered. The driver owns them.
type keepalives struct {
	last  int64                 // driver time of the last round (0: none yet)
	sent  map[string]string     // the last round's OPTIONS: contact key by Via branch
	state map[string]*keepalive // by contact key
	seq   uint32
}

type keepalive struct {
	ext      string
	contact  sip.Uri
	answered bool // the last round's OPTIONS got a response
	misses   int  // rounds in a row without one
}

// keepaliveMisses is how many unanswered rounds in a row drop a contact.
const keepaliveMisses = 3

// keepalive runs a round when the interval has passed (from housekeeping).
func (d *driver) keepalive() {
	every := int64(d.set.NATKeepalive)
	k := &d.keep
	now := d.now()
	if every <= 0 || (k.last != 0 && now-k.last < every) {
		return
	}
	k.last = now
	wall := d.clock.Now()
	for key, st := range k.state {
		if st.answered {
			st.misses = 0
			continue
		}
		if st.misses++; st.misses >= keepaliveMisses {
			delete(k.state, key)
			d.dropContact(st.ext, st.contact)
		}
	}
	k.sent = map[string]string{}
	live := map[string]bool{}
	for ext, bs := range d.loc.All(wall) {
		for _, b := range bs {
			if !b.NAT || b.Transport != "UDP" || len(b.Path) > 0 || b.Node != "" { // only the node holding a NAT binding pings it
				continue
			}
			key := ext + "|" + registrar.ContactKey(b.Contact)
			live[key] = true
			st := k.state[key]
			if st == nil {
				st = &keepalive{ext: ext, contact: b.Contact}
				if k.state == nil {
					k.state = map[string]*keepalive{}
				}
				k.state[key] = st
			}
			st.answered = false
			req := d.keepaliveRequest(ext, b)
			branch, _ := req.Via().Params.Get("branch")
			k.sent[branch] = key
			_ = d.write(req, "")
		}
	}
	for key := range k.state {
		if !live[key] {
			delete(k.state, key) // unregistered or expired meanwhile
		}
	}
}

// keepaliveRequest is the OPTIONS ringd sends a contact, as a UA of its
// own: a new Call-ID, From tag and branch.
func (d *driver) keepaliveRequest(ext string, b registrar.Binding) *sip.Request {
	d.keep.seq++
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "ringd", Host: d.set.Domain}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(10))
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: ext, Host: d.set.Domain}, Params: sip.NewParams()}
	cid := sip.CallIDHeader("keepalive-" + strconv.FormatUint(uint64(d.keep.seq), 10) + "-" + sip.GenerateTagN(12))
	req, _ := proxy.UACRequest(d.self, sip.OPTIONS, proxy.Target{URI: b.Contact, Dest: b.Source, Transport: "UDP"}, from, to, &cid, 1)
	req.SetBody(nil)
	return req
}

// keepaliveAnswered notes a response to a keep-alive; false when res
// answers none.
func (d *driver) keepaliveAnswered(branch string) bool {
	key, ok := d.keep.sent[branch]
	if !ok {
		return false
	}
	delete(d.keep.sent, branch)
	if st := d.keep.state[key]; st != nil {
		st.answered = true
	}
	return true
}

// dropContact removes a contact whose keep-alives went unanswered.
func (d *driver) dropContact(ext string, contact sip.Uri) {
	gone, offline := d.loc.Drop(ext, contact, d.clock.Now())
	if gone.Contact.Host == "" {
		return
	}
	d.log.Sugar().Infow("contact dropped: keep-alives unanswered", "extension", ext, "contact", contact.String(), "source", gone.Source)
	if d.bindingGone != nil {
		d.bindingGone(ext, gone) // the store and, in a cluster, the other nodes
	}
	if offline {
		d.refreshMember(ext)
	}
}
