package dialoginfo

import "strconv"

// Key identifies a subscription's dialog: the SUBSCRIBE's Call-ID, the
// subscriber's From tag, and the To tag ringd answered with.
type Key struct {
	CallID  string
	FromTag string // the subscriber's tag (the To tag of ringd's NOTIFYs)
	ToTag   string // ringd's tag (the From tag of its NOTIFYs)
}

// The reasons of a terminated Subscription-State (RFC 6665 §4.1.3).
const (
	ReasonTimeout     = "timeout"     // expired, or ended by Expires: 0
	ReasonNoResource  = "noresource"  // the watched extension is gone
	ReasonDeactivated = "deactivated" // ringd ends it; the subscriber may subscribe again at once
	ReasonRejected    = "rejected"    // the subscriber may no longer watch it
	ReasonGiveUp      = "giveup"
)

// Sub is one subscription: what the SIP layer needs to send its NOTIFYs,
// and their counters. Its fields are the Table's; read them through the
// methods.
type Sub struct {
	key        Key
	watched    string // the watched extension
	subscriber string // the authenticated extension that subscribed
	local      string // ringd's URI: the SUBSCRIBE's To URI (the NOTIFY's From)
	remote     string // the subscriber's URI: the SUBSCRIBE's From URI (the NOTIFY's To)
	contact    string // the subscriber's Contact: the NOTIFY's Request-URI
	routeSet   []string
	source     string

	seq       uint64 // creation order in the table
	expiresAt int64  // ns on the caller's time line
	cseq      uint32 // last NOTIFY CSeq sent; 0 = none yet
	version   uint32 // dialog-info version of the next document
	ended     bool
	reason    string
}

// Key is the subscription's dialog.
func (s *Sub) Key() Key { return s.key }

// Watched is the extension it watches.
func (s *Sub) Watched() string { return s.watched }

// Subscriber is the extension that subscribed.
func (s *Sub) Subscriber() string { return s.subscriber }

// LocalURI is ringd's side of the dialog: the SUBSCRIBE's To URI, which
// is the NOTIFY's From URI (with Key().ToTag) and the document's entity.
func (s *Sub) LocalURI() string { return s.local }

// RemoteURI is the subscriber's side: the SUBSCRIBE's From URI, which is
// the NOTIFY's To URI (with Key().FromTag).
func (s *Sub) RemoteURI() string { return s.remote }

// Contact is the subscriber's remote target (the latest SUBSCRIBE's
// Contact): the NOTIFY's Request-URI.
func (s *Sub) Contact() string { return s.contact }

// RouteSet is the dialog's route set (the initial SUBSCRIBE's
// Record-Route values, in order): the NOTIFY's Route headers.
func (s *Sub) RouteSet() []string { return s.routeSet }

// Source is where the latest SUBSCRIBE came from, as the SIP layer wrote
// it (transport and address), for NOTIFYs to phones behind NAT.
func (s *Sub) Source() string { return s.source }

// ExpiresAt is when the subscription runs out (ns, the caller's time
// line); 0 for one that ended.
func (s *Sub) ExpiresAt() int64 { return s.expiresAt }

// Terminated reports whether the subscription has ended (removed,
// expired, or ended by Expires: 0); its last NOTIFY says so.
func (s *Sub) Terminated() bool { return s.ended }

// NextCSeq is the CSeq of the next NOTIFY on this subscription: 1, 2, 3...
func (s *Sub) NextCSeq() uint32 {
	s.cseq++
	return s.cseq
}

// NextVersion is the dialog-info version of the next document sent on
// this subscription: 0 for the first, then one more each time (RFC 4235
// §4.1).
func (s *Sub) NextVersion() uint32 {
	v := s.version
	s.version++
	return v
}

// SubscriptionState is the Subscription-State header of a NOTIFY sent at
// now: "active;expires=N" with the whole seconds left (at least 1), or
// "terminated;reason=R" once it ended or its time ran out (reason timeout
// then), "terminated" for an end without a reason.
func (s *Sub) SubscriptionState(now int64) string {
	if !s.ended && now < s.expiresAt {
		left := (s.expiresAt - now) / 1e9
		return "active;expires=" + strconv.FormatInt(max(left, 1), 10)
	}
	reason := s.reason
	if !s.ended {
		reason = ReasonTimeout
	}
	if reason == "" {
		return "terminated"
	}
	return "terminated;reason=" + reason
}

// end marks the subscription over, for reason.
func (s *Sub) end(reason string) {
	s.ended = true
	s.reason = reason
	s.expiresAt = 0
}
