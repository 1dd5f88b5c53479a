package dialoginfo

import (
	"cmp"
	"slices"
)

// Subscription durations, in seconds.
const (
	DefaultExpires = 3600 // a SUBSCRIBE without Expires (RFC 4235 §3.4)
	MinExpires     = 60   // shorter gets 423 with this Min-Expires
	MaxExpires     = 3600 // longer is granted this
)

// Limits bound a Table; a new subscription beyond them gets 503. Zero
// fields take the defaults.
type Limits struct {
	Total         int // subscriptions in all; default 10,000
	PerSubscriber int // subscriptions of one subscriber extension; default 50
}

// SubscribeParams is what Subscribe reads of a SUBSCRIBE (Event: dialog)
// whose subscriber has authenticated.
type SubscribeParams struct {
	CallID  string
	FromTag string // the subscriber's From tag
	// ToTag is the request's To tag for an in-dialog SUBSCRIBE; for an
	// initial one, the tag ringd will answer with (the SIP layer draws it).
	ToTag string
	// Initial is true for a SUBSCRIBE without a To tag (a new
	// subscription, or a fetch with Expires 0), false for a refresh or an
	// unsubscribe within the subscription's dialog.
	Initial bool

	Watched    string // the extension watched (from the Request-URI); read on an initial SUBSCRIBE only
	Subscriber string // the extension the subscriber authenticated as
	Expires    int    // the Expires header; -1 when absent

	LocalURI  string   // the To URI: the watched extension's URI (initial only)
	RemoteURI string   // the From URI (initial only)
	Contact   string   // the Contact URI; a refresh with one moves the target
	RouteSet  []string // the Record-Route values, in order (initial only)
	Source    string   // where the request came from; kept for NOTIFYs
}

// Table is the dialog subscriptions. Not safe for concurrent use.
type Table struct {
	limits       Limits
	byDialog     map[dialogKey]*Sub
	byWatched    map[string][]*Sub // in order of subscription
	bySubscriber map[string]int
	seq          uint64
}

// dialogKey is a dialog without ringd's tag: the subscriber names it by
// these two, and ringd holds one subscription for them.
type dialogKey struct{ callID, fromTag string }

// New returns an empty table bounded by limits.
func New(limits Limits) *Table {
	if limits.Total <= 0 {
		limits.Total = 10_000
	}
	if limits.PerSubscriber <= 0 {
		limits.PerSubscriber = 50
	}
	return &Table{limits: limits, byDialog: map[dialogKey]*Sub{},
		byWatched: map[string][]*Sub{}, bySubscriber: map[string]int{}}
}

// Subscribe takes a SUBSCRIBE at now and returns the response code for it
// and, with 200, the subscription and the seconds granted (the 200's
// Expires). With 423, expires is the Min-Expires to send. The other codes
// (400, 403, 481, 503) come with neither; the package doc says when.
//
// With 200 the SIP layer answers with To tag sub.Key().ToTag (which is
// p.ToTag, except for an initial SUBSCRIBE on a dialog ringd already
// holds: that refreshes it and keeps its tag) and then sends a NOTIFY. An
// expires of 0 (unsubscribe or fetch) hands back a terminated
// subscription, no longer (or never) in the table, still owed that NOTIFY.
func (t *Table) Subscribe(p SubscribeParams, now int64) (sub *Sub, expires int, code int) {
	if p.Subscriber == "" {
		return nil, 0, 403
	}
	if p.CallID == "" || p.FromTag == "" || p.ToTag == "" {
		return nil, 0, 400
	}
	s := t.byDialog[dialogKey{p.CallID, p.FromTag}]
	switch {
	case !p.Initial && (s == nil || s.key.ToTag != p.ToTag || now >= s.expiresAt):
		return nil, 0, 481
	case s != nil && s.subscriber != p.Subscriber:
		return nil, 0, 403
	case s != nil && p.Initial && s.watched != p.Watched:
		return nil, 0, 400 // one dialog, one watched extension
	case s == nil && p.Watched == "":
		return nil, 0, 400
	}
	expires, ok := grant(p.Expires)
	if !ok {
		return nil, MinExpires, 423
	}
	if s != nil {
		return t.refresh(s, p, expires, now), expires, 200
	}
	s = newSub(p)
	if expires == 0 { // a fetch: one NOTIFY, no subscription
		s.end(ReasonTimeout)
		return s, 0, 200
	}
	if len(t.byDialog) >= t.limits.Total || t.bySubscriber[p.Subscriber] >= t.limits.PerSubscriber {
		return nil, 0, 503
	}
	t.seq++
	s.seq = t.seq
	s.expiresAt = now + int64(expires)*1e9
	t.byDialog[dialogKey{p.CallID, p.FromTag}] = s
	t.byWatched[s.watched] = append(t.byWatched[s.watched], s)
	t.bySubscriber[s.subscriber]++
	return s, expires, 200
}

// grant is the duration granted for a requested Expires (-1: none), and
// false when it is too brief.
func grant(requested int) (int, bool) {
	switch {
	case requested < 0:
		return DefaultExpires, true
	case requested == 0:
		return 0, true
	case requested < MinExpires:
		return 0, false
	}
	return min(requested, MaxExpires), true
}

func newSub(p SubscribeParams) *Sub {
	return &Sub{key: Key{p.CallID, p.FromTag, p.ToTag}, watched: p.Watched, subscriber: p.Subscriber,
		local: p.LocalURI, remote: p.RemoteURI, contact: p.Contact,
		routeSet: slices.Clone(p.RouteSet), source: p.Source}
}

// refresh extends s by expires seconds from now, or ends it for 0.
func (t *Table) refresh(s *Sub, p SubscribeParams, expires int, now int64) *Sub {
	if p.Contact != "" {
		s.contact = p.Contact
	}
	if p.Source != "" {
		s.source = p.Source
	}
	if expires == 0 {
		t.Remove(s, ReasonTimeout)
		return s
	}
	s.expiresAt = now + int64(expires)*1e9
	return s
}

// Expire removes the subscriptions whose time has run out at now and
// returns them, earliest first; each is owed a last NOTIFY
// ("terminated;reason=timeout").
func (t *Table) Expire(now int64) []*Sub {
	var out []*Sub
	for _, s := range t.byDialog {
		if now >= s.expiresAt {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *Sub) int {
		return cmp.Or(cmp.Compare(a.expiresAt, b.expiresAt), cmp.Compare(a.seq, b.seq))
	})
	for _, s := range out {
		t.Remove(s, ReasonTimeout)
	}
	return out
}

// Remove ends s for reason (one of the Reason constants, or "" for
// none) and takes it out of the table: when a NOTIFY to it failed (481,
// 408), or ringd ends it. It reports whether s was in the table; one
// that was not is left as it is.
func (t *Table) Remove(s *Sub, reason string) bool {
	k := dialogKey{s.key.CallID, s.key.FromTag}
	if t.byDialog[k] != s {
		return false
	}
	delete(t.byDialog, k)
	w := slices.DeleteFunc(t.byWatched[s.watched], func(x *Sub) bool { return x == s })
	if len(w) == 0 {
		delete(t.byWatched, s.watched)
	} else {
		t.byWatched[s.watched] = w
	}
	if t.bySubscriber[s.subscriber]--; t.bySubscriber[s.subscriber] <= 0 {
		delete(t.bySubscriber, s.subscriber)
	}
	s.end(reason)
	return true
}

// Watchers returns the subscriptions watching ext, oldest first: each
// gets a NOTIFY when ext's dialogs change. The slice is the caller's.
func (t *Table) Watchers(ext string) []*Sub { return slices.Clone(t.byWatched[ext]) }

// RemoveWatched ends every subscription watching ext (the extension was
// deleted: reason ReasonNoResource) and returns them, oldest first; each
// is owed a last NOTIFY.
func (t *Table) RemoveWatched(ext, reason string) []*Sub {
	subs := t.Watchers(ext)
	for _, s := range subs {
		t.Remove(s, reason)
	}
	return subs
}

// All returns every subscription, oldest first (for shutdown, say).
func (t *Table) All() []*Sub {
	out := make([]*Sub, 0, len(t.byDialog))
	for _, s := range t.byDialog {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Sub) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// Find returns the subscription of dialog k, or nil.
func (t *Table) Find(k Key) *Sub {
	if s := t.byDialog[dialogKey{k.CallID, k.FromTag}]; s != nil && s.key.ToTag == k.ToTag {
		return s
	}
	return nil
}

// Len is the number of subscriptions.
func (t *Table) Len() int { return len(t.byDialog) }
