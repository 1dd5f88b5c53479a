package engine

import (
	"time"

	"github.com/ringd/ringd/strategy"
)

// Spec is the definition of everything the engine routes: what the config
// file and the store provide, already parsed (defaults applied by the
// caller). Compile checks it and turns it into a Snapshot.
type Spec struct {
	Domain          string
	Extensions      []ExtensionSpec
	ExtensionGroups []ExtensionGroupSpec
	Groups          []GroupSpec
	// Services are the URI templates of the destinations that leave ringd,
	// by destination type: DestExternalNum is the trunk, filled in at
	// {number}; DestExtVM, DestGroupVM, DestIVR, DestCallFlow and DestQueue
	// are filled in at {value}. A type without a template is not
	// configured.
	Services map[DestType]string
	// ExtensionRingTime is how long a call to an extension rings its
	// contacts before it is given up (0: DefaultExtensionRingTime).
	ExtensionRingTime time.Duration
	// ServiceRingTime is how long a failover leg (to an extension, the
	// trunk or a service) and a call through a service (voicemail) ring
	// before they are given up (0: DefaultServiceRingTime).
	ServiceRingTime time.Duration
}

// Default ring times of calls to an extension and through a service.
const (
	DefaultExtensionRingTime = 60 * time.Second
	DefaultServiceRingTime   = 60 * time.Second
)

// ExtensionSpec is an extension as far as routing cares.
type ExtensionSpec struct {
	Number, Name string
	// SeqRing is the extension's enabled sequential ring, nil for none.
	SeqRing *SeqRingSpec
}

// SeqRingSpec is an extension's enabled sequential ring (its criteria
// decide, call by call, whether it applies): the extension itself first
// when RingBaseFirst is set, then each number in turn.
type SeqRingSpec struct {
	RingBaseFirst bool
	BaseRingTime  time.Duration // 0: the call's ring time
	Numbers       []SeqNumberSpec
	Criteria      []SeqCriterion
}

// SeqNumberSpec is one number of a sequential ring: an extension number
// (all its contacts ring) or an outside number (through the trunk).
type SeqNumberSpec struct {
	Number   string
	RingTime time.Duration // 0: the call's ring time
}

// ExtensionGroupSpec names a list of extensions (SPEC §1).
type ExtensionGroupSpec struct {
	Name       string
	Extensions []string
}

// MemberSpec is one ring-group member entry: Extension or ExtGroup, not both.
type MemberSpec struct {
	Extension string
	ExtGroup  string
	Skill     int           // skill_level, >= 1 (0 means 1)
	Delay     time.Duration // custom
	Timeout   time.Duration // custom; 0 means the group's ring time
	Weight    int           // weighted_hunt: 1-100 (0 means 1)
}

// DestinationSpec is a failover destination as configured: {dest, value, prefix}
// plus the repeat count of play_greeting.
type DestinationSpec struct {
	Type   DestType
	Value  string
	Prefix string
	Repeat int
}

// GroupSpec is a ring group of SPEC §3.
type GroupSpec struct {
	Number, Name string
	Strategy     strategy.Kind
	RingTime     time.Duration
	SkipBusy     bool
	PAI, RPID    bool
	ToExtension  bool
	AlertInfo    string
	RecordMissed bool
	// CIDNamePrefix (at most 16 characters, no quote, backslash or control
	// character) goes in front of the caller's name on legs to members.
	CIDNamePrefix string
	// Repeats runs the whole plan this many more times (0-10) before
	// on_no_answer.
	Repeats int
	// WrapUp (0-3600 s): after a member hangs up a call it answered from
	// this group, its extension rings for no group for this long.
	WrapUp time.Duration
	// RejectCooldown (0-3600 s): after a member declines (486/600/603) a
	// call of this group, this group does not ring it for this long.
	RejectCooldown time.Duration
	// SilentCancel: the CANCELs of legs that lost to an answer carry no
	// Reason (answered_elsewhere: false); otherwise ReasonCompletedElsewhere.
	SilentCancel bool
	Members      []MemberSpec
	OnNoAnswer   DestinationSpec
	OnNoAgent    DestinationSpec
	// OutOfSchedule applies when Schedule is set and closed.
	OutOfSchedule DestinationSpec
	Schedule      Schedule
}
