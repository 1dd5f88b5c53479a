package registrar

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Binding is one registered contact of an extension.
type Binding struct {
	Contact sip.Uri
	Expires time.Time
	CallID  string
	CSeq    uint32
	Source  string // host:port the REGISTER came from
	// Transport is the one the REGISTER came over (UDP, TCP, TLS, WS,
	// WSS): on a reliable one, requests to the contact go back over its
	// connection while it is open.
	Transport string
	// NAT is set when the REGISTER's source is not the Contact's address
	// (a phone behind NAT): requests go to Source, and keep-alives keep
	// the binding open.
	NAT bool
	// Path is the REGISTER's Path (RFC 3327): the edge proxies requests to
	// the contact go through, in order.
	Path []sip.Uri
	// UserAgent is the REGISTER's User-Agent: which paging headers the
	// device takes (paging_headers).
	UserAgent string
	// Node is the cluster node that holds the registration ("" for this
	// one): a contact another node holds is not kept alive from here, and
	// one on a connection is reached through that node (its Path).
	Node string
}

// Location holds the registered contacts of every extension. It is shared
// by the registrar (writes) and the driver (reads); safe for concurrent
// use.
type Location struct {
	mu       sync.Mutex
	bindings map[string][]Binding // by extension number
	static   map[string]sip.Uri   // configured contacts of devices that do not register
	// byContact finds a registered contact by its URI (ContactKey): the
	// extension it belongs to.
	byContact map[string]string
}

// NewLocation returns an empty location service.
func NewLocation() *Location {
	return &Location{bindings: map[string][]Binding{}, static: map[string]sip.Uri{}, byContact: map[string]string{}}
}

// SetStatic replaces the configured static contacts.
func (l *Location) SetStatic(static map[string]sip.Uri) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.static = static
}

// Contacts returns the live contacts of ext: its static contact, if any
// (a Binding with just its Contact), then its registered contacts, newest
// first.
func (l *Location) Contacts(ext string, now time.Time) []Binding {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Binding
	if u, ok := l.static[ext]; ok {
		out = append(out, Binding{Contact: u})
	}
	bs := l.bindings[ext]
	for i := len(bs) - 1; i >= 0; i-- {
		if bs[i].Expires.After(now) {
			out = append(out, bs[i])
		}
	}
	return out
}

// Find returns the live registered binding whose contact is u: where an
// in-dialog request to a registered phone's Contact must go.
func (l *Location) Find(u sip.Uri, now time.Time) (Binding, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ext, ok := l.byContact[ContactKey(u)]
	if !ok {
		return Binding{}, false
	}
	for _, b := range l.bindings[ext] {
		if sameContact(b.Contact, u) && b.Expires.After(now) {
			return b, true
		}
	}
	return Binding{}, false
}

// Drop removes the registered contact u of ext (its keep-alives went
// unanswered); it reports whether ext went offline as a result.
func (l *Location) Drop(ext string, u sip.Uri, now time.Time) (gone Binding, offline bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bs := l.live(ext, now)
	i := slices.IndexFunc(bs, func(b Binding) bool { return sameContact(b.Contact, u) })
	if i < 0 {
		return Binding{}, false
	}
	gone = bs[i]
	bs = slices.Delete(bs, i, i+1)
	l.store(ext, bs)
	return gone, len(bs) == 0 && !l.hasStatic(ext)
}

// Bindings returns a copy of ext's registered contacts that have not expired.
func (l *Location) Bindings(ext string, now time.Time) []Binding {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Binding
	for _, b := range l.bindings[ext] {
		if b.Expires.After(now) {
			out = append(out, b)
		}
	}
	return out
}

// Update applies one REGISTER's contacts for ext (RFC 3261 §10.3 steps 6-7):
// an expiry of 0 removes the contact, otherwise it is added or refreshed.
// A binding with the same Call-ID and a CSeq not higher than the stored one
// is out of order and ignored. It reports whether the set of live contacts
// changed from empty to non-empty or back.
func (l *Location) Update(ext string, updates []Binding, now time.Time) (wasOnline, isOnline bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bs := l.live(ext, now)
	wasOnline = len(bs) > 0 || l.hasStatic(ext)
	for _, u := range updates {
		i := slices.IndexFunc(bs, func(b Binding) bool { return sameContact(b.Contact, u.Contact) })
		if i >= 0 && bs[i].CallID == u.CallID && u.CSeq <= bs[i].CSeq {
			continue
		}
		if i >= 0 {
			bs = slices.Delete(bs, i, i+1)
		}
		if u.Expires.After(now) {
			bs = append(bs, u)
		}
	}
	l.store(ext, bs)
	return wasOnline, len(bs) > 0 || l.hasStatic(ext)
}

// RemoveAll drops every registered contact of ext (REGISTER Contact: *).
func (l *Location) RemoveAll(ext string, now time.Time) (wasOnline, isOnline bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	wasOnline = len(l.live(ext, now)) > 0 || l.hasStatic(ext)
	l.store(ext, nil)
	return wasOnline, l.hasStatic(ext)
}

// Expire drops the contacts that expired by now and returns the extensions
// that went offline as a result.
func (l *Location) Expire(now time.Time) (offline []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ext, bs := range l.bindings {
		live := l.live(ext, now)
		if len(live) == len(bs) {
			continue
		}
		l.store(ext, live)
		if len(live) == 0 && !l.hasStatic(ext) {
			offline = append(offline, ext)
		}
	}
	return offline
}

// Online reports whether ext has a live contact.
func (l *Location) Online(ext string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.live(ext, now)) > 0 || l.hasStatic(ext)
}

// All returns a copy of every extension's live registered contacts.
func (l *Location) All(now time.Time) map[string][]Binding {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][]Binding{}
	for ext := range l.bindings {
		if live := l.live(ext, now); len(live) > 0 {
			out[ext] = append([]Binding(nil), live...)
		}
	}
	return out
}

// Count returns the number of live registered contacts of all extensions.
func (l *Location) Count(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for ext := range l.bindings {
		n += len(l.live(ext, now))
	}
	return n
}

func (l *Location) hasStatic(ext string) bool { _, ok := l.static[ext]; return ok }

func (l *Location) live(ext string, now time.Time) []Binding {
	bs := l.bindings[ext]
	out := bs[:0:0]
	for _, b := range bs {
		if b.Expires.After(now) {
			out = append(out, b)
		}
	}
	return out
}

func (l *Location) store(ext string, bs []Binding) {
	for _, b := range l.bindings[ext] {
		delete(l.byContact, ContactKey(b.Contact))
	}
	for _, b := range bs {
		l.byContact[ContactKey(b.Contact)] = ext
	}
	if len(bs) == 0 {
		delete(l.bindings, ext)
		return
	}
	l.bindings[ext] = bs
}

// ContactKey is a contact URI as sameContact compares it.
func ContactKey(u sip.Uri) string {
	return u.Scheme + ":" + u.User + "@" + strings.ToLower(u.Host) + ":" + strconv.Itoa(u.Port)
}

// sameContact compares contact URIs the way RFC 3261 §10.3 step 7 needs:
// scheme, user, host and port.
func sameContact(a, b sip.Uri) bool {
	return a.Scheme == b.Scheme && a.User == b.User && strings.EqualFold(a.Host, b.Host) && a.Port == b.Port
}
