package sip

import (
	"strconv"
	"time"

	"github.com/emiago/sipgo/sip"
)

// onRegister is the registrar (RFC 3261 §10.3): digest authentication as
// the extension named in To, then the Contact bindings with their expiry.
func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	now := time.Now()
	var cred string
	if h := req.GetHeader("Authorization"); h != nil {
		cred = h.Value()
	}
	user, res := s.auth.check(cred, string(sip.REGISTER), s.password, now)
	if res == authBad {
		s.authFailed(req)
	}
	if res != authOK {
		// The same challenge whether or not the extension exists: no enumeration.
		s.respond(tx, req, 401, "Unauthorized", sip.NewHeader("WWW-Authenticate", s.auth.challenge(now, res == authStale)))
		return
	}
	aor := req.To().Address.User
	if aor != user {
		s.respond(tx, req, 403, "Forbidden (credentials of another extension)")
		return
	}
	st := s.settings.Load()
	var updates []Binding
	cseq := req.CSeq().SeqNo
	contacts := req.GetHeaders("Contact")
	for _, h := range contacts {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			s.respond(tx, req, 400, "Bad Contact")
			return
		}
		if c.Address.Wildcard {
			if len(contacts) != 1 || requestExpires(req, -1) != 0 {
				s.respond(tx, req, 400, "Wildcard Contact Needs Expires: 0")
				return
			}
			gone := s.loc.Bindings(aor, now)
			_, isOnline := s.loc.RemoveAll(aor, now)
			if h := s.hooks.Binding; h != nil {
				for _, b := range gone {
					h(aor, b, true)
				}
			}
			s.registered(tx, req, aor, now, !isOnline)
			return
		}
		exp := requestExpires(req, int(time.Hour/time.Second))
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				exp = n
			}
		}
		if exp > 0 && time.Duration(exp)*time.Second < st.RegisterMinExpires {
			s.respond(tx, req, 423, "Interval Too Brief",
				sip.NewHeader("Min-Expires", strconv.Itoa(int(st.RegisterMinExpires/time.Second))))
			return
		}
		d := min(time.Duration(max(exp, 0))*time.Second, st.RegisterMaxExpires)
		updates = append(updates, Binding{Contact: *c.Address.Clone(), Expires: now.Add(d), CallID: callID(req), CSeq: cseq, Source: req.Source()})
	}
	was, is := s.loc.Update(aor, updates, now)
	if h := s.hooks.Binding; h != nil {
		for _, u := range updates {
			h(aor, u, !u.Expires.After(now))
		}
	}
	s.registered(tx, req, aor, now, was != is)
}

// registered answers 200 with the extension's current bindings. The driver
// hears of the change first, so that a call the phone's user places right
// after the 200 already sees the phone online.
func (s *Server) registered(tx sip.ServerTransaction, req *sip.Request, aor string, now time.Time, changed bool) {
	if changed {
		s.memberChanged(aor)
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	for _, b := range s.loc.Bindings(aor, now) {
		c := &sip.ContactHeader{Address: *b.Contact.Clone(), Params: sip.NewParams()}
		c.Params.Add("expires", strconv.Itoa(int(b.Expires.Sub(now).Round(time.Second)/time.Second)))
		res.AppendHeader(c)
	}
	res.AppendHeader(sip.NewHeader("Date", now.UTC().Format(time.RFC1123)))
	_ = s.reply(tx, res)
}

// requestExpires is the Expires header value, or def.
func requestExpires(req *sip.Request, def int) int {
	if h := req.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(h.Value()); err == nil {
			return n
		}
	}
	return def
}
