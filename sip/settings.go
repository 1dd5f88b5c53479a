package sip

import (
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/cluster"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/sip/transport"
)

// Settings is everything the SIP side is configured with. cmd builds it
// from the config file; Apply swaps it at run time.
type Settings struct {
	Domain string
	// Aliases are more hosts served as Domain (a Request-URI or Route
	// naming one is local), like Kamailio's alias.
	Aliases []string
	Listen  []transport.Listener
	// Trusted sources need no digest to call and are exempt from the
	// flood protection (sip.trusted).
	Trusted    []netip.Prefix
	Extensions map[string]Extension // by number
	// Snapshot is the routing: groups, extensions, services, ring times.
	Snapshot *engine.Snapshot
	// Prompts are the loaded prompt files (play_greeting plays them by
	// name); GroupMedia is what each ring group plays, by group number.
	Prompts    *media.Library
	GroupMedia map[string]GroupMedia
	// RTPPortMin and RTPPortMax bound ringd's own RTP ports (read at New;
	// default 10000-20000).
	RTPPortMin, RTPPortMax int
	// Protection is the flood and scanner protection; its zero value turns
	// all of it off (cmd sets transport.DefaultProtection unless
	// configured).
	Protection transport.Protection

	// TLS is the material of the tls:// and wss:// listeners and of the TLS
	// connections ringd opens (sip.tls; nil: none). Apply reloads the files.
	TLS *transport.TLSFiles
	// DigestAlgorithms are the algorithms of ringd's digest challenges, in
	// order of preference (registrar.MD5, registrar.SHA256; nil: MD5
	// alone).
	DigestAlgorithms []string
	// NATKeepalive is how often ringd sends OPTIONS to the UDP contacts
	// registered from behind NAT (sip.nat.keepalive; 0: never). Three
	// unanswered in a row drop the contact.
	NATKeepalive time.Duration
	// Outbound are the rules for calls from extensions to numbers that
	// are neither a group nor an extension, first match wins.
	Outbound []OutboundRule
	// PagingHeaders pick a page leg's auto-answer headers by the device's
	// registered User-Agent, first match wins; other devices get the
	// engine's pair (SPEC §3).
	PagingHeaders []PagingHeaders
	// Features are the feature codes extensions dial (SPEC §11).
	Features FeatureCodes
	// SetState changes an extension's own state for a feature code (DND,
	// logged out of its groups): cmd writes it to the running
	// configuration, which comes back through Apply. It is called on a
	// handler's goroutine and may block on the store. nil: those feature
	// codes get 403.
	SetState func(ext string, s StateChange) error

	// Optional tuning (zero means the default).
	RegisterMaxExpires time.Duration // default 3600 s
	RegisterMinExpires time.Duration // default 60 s
	DialogTimeout      time.Duration // a call with no BYE seen frees its members after this; default 6 h
	ShutdownRetryAfter int           // Retry-After seconds on 503 while draining or overloaded; default 30
}

// Extension is what the SIP side needs to know of an extension.
type Extension struct {
	Password string
	Contact  string // static contact URI of a device that does not register ("" for none)
	DND      bool
	// LoggedOut: the extension left its groups (*45); they pass it over.
	LoggedOut bool
}

func (s *Settings) defaults() {
	if s.RegisterMaxExpires == 0 {
		s.RegisterMaxExpires = time.Hour
	}
	if s.RegisterMinExpires == 0 {
		s.RegisterMinExpires = time.Minute
	}
	if s.DialogTimeout == 0 {
		s.DialogTimeout = 6 * time.Hour
	}
	if s.ShutdownRetryAfter == 0 {
		s.ShutdownRetryAfter = 30
	}
	if s.RTPPortMin == 0 {
		s.RTPPortMin = 10000
	}
	if s.RTPPortMax == 0 {
		s.RTPPortMax = 20000
	}
}

// policy is what the transports' filter judges by.
func (s *Settings) policy() transport.Policy {
	return transport.Policy{Protection: s.Protection, Trusted: s.Trusted}
}

// GroupMedia is what ringd plays to a ring group's callers while the
// members ring: the welcome prompt, then the join prompt, then music on
// hold over and over - or, without music, the welcome prompt over and
// over (SPEC §11: it plays until a member answers). With FullJoin the
// members start ringing only once the welcome and join prompts have been
// played.
type GroupMedia struct {
	Welcome, Join, MOH *media.Prompt
	FullJoin           bool
}

// Plays reports whether the group has anything to play.
func (g GroupMedia) Plays() bool { return g.Welcome != nil || g.Join != nil || g.MOH != nil }

// loop is what plays over and over after the sequence: the music, else
// the welcome prompt.
func (g GroupMedia) loop() *media.Prompt {
	if g.MOH != nil {
		return g.MOH
	}
	return g.Welcome
}

// sequence is the prompts played once, in order.
func (g GroupMedia) sequence() []*media.Prompt {
	var seq []*media.Prompt
	for _, p := range []*media.Prompt{g.Welcome, g.Join} {
		if p != nil {
			seq = append(seq, p)
		}
	}
	return seq
}

// Hooks let the program keep what the SIP side produces. Each is optional
// and is called on ringd's own goroutines: it must return quickly.
type Hooks struct {
	// Record receives every finished group call (SPEC §4).
	Record func(cdr.Record)
	// Binding receives every registration change: a contact added or
	// refreshed (removed false), or removed (un-REGISTER, expiry).
	Binding func(ext string, b registrar.Binding, removed bool)
	// Metrics, when set, receives ringd's collectors (SPEC §9).
	Metrics prometheus.Registerer
	// Clock is the SIP side's time (nil: the system clock); tests set a
	// fake one.
	Clock clock.Clock
	// Cluster, when set, makes this server a node of a cluster (SPEC §12):
	// registrations and busy marks are shared through it.
	Cluster *cluster.Node
	// Ban, when set, hears of every ban the protection starts here (lifted
	// false; not those another node of the cluster imposed) and of every
	// ban lifted through Unban (lifted true), to keep them (store.Ban).
	Ban func(source netip.Addr, until time.Time, reason string, lifted bool)
	// Events, when set, receives every event the driver feeds the engine,
	// in order: with the snapshot they start from, they replay a run.
	Events func(engine.Event)
}
