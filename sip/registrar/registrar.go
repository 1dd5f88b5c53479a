// Package registrar is ringd's registrar and location service (RFC 3261
// §10): REGISTER with digest authentication as the extension named in To,
// the contacts of every extension with their expiry (Location), and the
// digest challenges of the proxy's own 407 (Digest).
//
// It imports sipgo, sip/clock and sip/grammar; it must not import the driver's side of
// sip (the root package), config or engine.
package registrar

import (
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/clock"
)

// Registrar serves REGISTER requests that passed the request checks.
type Registrar struct {
	Location *Location
	Auth     *Digest
	Clock    clock.Clock
	// Password looks up an extension's digest password.
	Password func(user string) (string, bool)
	// Expires gives the bounds of a binding's expiry (read per request, as
	// settings change at run time).
	Expires func() (min, max time.Duration)
	// Changed, when set, is told that an extension's online state changed
	// (its first contact came, or its last went), before the 200 leaves: a
	// call its user places right after sees the phone online.
	Changed func(ext string)
	// Binding, when set, receives every binding change: a contact added or
	// refreshed (removed false), or removed.
	Binding func(ext string, b Binding, removed bool)
	// AuthFailed, when set, is told of every failed digest check.
	AuthFailed func(req *sip.Request)
}

// Serve handles a REGISTER and returns the response to send.
func (r *Registrar) Serve(req *sip.Request) *sip.Response {
	now := r.Clock.Now()
	var cred string
	if h := req.GetHeader("Authorization"); h != nil {
		cred = h.Value()
	}
	user, res := r.Auth.Check(cred, string(sip.REGISTER), req.Recipient, r.Password, now)
	if res == Bad && r.AuthFailed != nil {
		r.AuthFailed(req)
	}
	if res == Mismatch {
		return response(req, 400, "Credentials For Another Request-URI")
	}
	if res != OK {
		// The same challenge whether or not the extension exists: no enumeration.
		return response(req, 401, "Unauthorized", r.Auth.ChallengeHeaders("WWW-Authenticate", now, res == Stale)...)
	}
	aor := req.To().Address.User
	if aor != user {
		return response(req, 403, "Forbidden (credentials of another extension)")
	}
	path, err := paths(req)
	if err != nil {
		return response(req, 400, "Bad Path")
	}
	minExp, maxExp := r.Expires()
	var updates []Binding
	cseq := req.CSeq().SeqNo
	contacts := req.GetHeaders("Contact")
	for _, h := range contacts {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			return response(req, 400, "Bad Contact")
		}
		if c.Address.Wildcard {
			if len(contacts) != 1 || requestExpires(req, -1) != 0 {
				return response(req, 400, "Wildcard Contact Needs Expires: 0")
			}
			gone := r.Location.Bindings(aor, now)
			_, isOnline := r.Location.RemoveAll(aor, now)
			for _, b := range gone {
				r.binding(aor, b, true)
			}
			return r.registered(req, aor, path, now, !isOnline)
		}
		exp := requestExpires(req, int(time.Hour/time.Second))
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				exp = n
			}
		}
		if exp > 0 && time.Duration(exp)*time.Second < minExp {
			return response(req, 423, "Interval Too Brief", sip.NewHeader("Min-Expires", strconv.Itoa(int(minExp/time.Second))))
		}
		d := min(time.Duration(max(exp, 0))*time.Second, maxExp)
		updates = append(updates, Binding{Contact: *c.Address.Clone(), Expires: now.Add(d), CallID: callID(req), CSeq: cseq,
			Source: req.Source(), Transport: strings.ToUpper(req.Transport()), NAT: behindNAT(c.Address, req.Source(), req.Transport()), Path: path,
			UserAgent: userAgent(req)})
	}
	was, is := r.Location.Update(aor, updates, now)
	for _, u := range updates {
		r.binding(aor, u, !u.Expires.After(now))
	}
	return r.registered(req, aor, path, now, was != is)
}

func (r *Registrar) binding(ext string, b Binding, removed bool) {
	if r.Binding != nil {
		r.Binding(ext, b, removed)
	}
}

// registered is the 200 with the extension's current bindings; the change
// of its online state is told first.
func (r *Registrar) registered(req *sip.Request, aor string, path []sip.Uri, now time.Time, changed bool) *sip.Response {
	if changed && r.Changed != nil {
		r.Changed(aor)
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	for _, b := range r.Location.Bindings(aor, now) {
		c := &sip.ContactHeader{Address: *b.Contact.Clone(), Params: sip.NewParams()}
		c.Params.Add("expires", strconv.Itoa(int(b.Expires.Sub(now).Round(time.Second)/time.Second)))
		res.AppendHeader(c)
	}
	if len(path) > 0 {
		res.AppendHeader(pathHeader(path)) // RFC 3327 §5.3: the Path stored, echoed
	}
	res.AppendHeader(sip.NewHeader("Supported", "path"))
	res.AppendHeader(sip.NewHeader("Date", now.UTC().Format(time.RFC1123)))
	return res
}

// response is a response of the registrar's own.
func response(req *sip.Request, code int, reason string, hdrs ...sip.Header) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	return res
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

func callID(req *sip.Request) string {
	if h := req.CallID(); h != nil {
		return h.Value()
	}
	return ""
}

// userAgent is the request's User-Agent (at most 256 bytes kept).
func userAgent(req *sip.Request) string {
	h := req.GetHeader("User-Agent")
	if h == nil {
		return ""
	}
	v := h.Value()
	if len(v) > 256 {
		v = v[:256]
	}
	return v
}
