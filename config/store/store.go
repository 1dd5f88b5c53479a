// Package store keeps ringd's live data: the routing objects managed through
// the admin API (extensions, extension groups, ring groups, schedules,
// sequential ring and its criteria), phone registrations (so contacts
// survive a restart until they expire), and call and missed-call records.
//
// Store is an interface with three implementations that pass one
// conformance suite: SQLite (modernc.org/sqlite, pure Go), the embedded
// default; PostgreSQL (github.com/jackc/pgx/v5), which several ringd nodes
// may share; and memory:, for quick runs and tests. Open picks one from
// the store URL of the config.
//
// It may import config (object types) and engine/cdr (the call-record
// type); it must not import sip, cmd or the API.
package store

import (
	"context"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine/cdr"
)

// Kind names a kind of routing object.
type Kind string

const (
	KindExtension      Kind = "extension"
	KindExtensionGroup Kind = "extension_group"
	KindRingGroup      Kind = "ring_group"
	KindSchedule       Kind = "schedule"
	KindSequentialRing Kind = "sequential_ring"
	KindCriterion      Kind = "criterion"
)

// Kinds lists every kind, in dependency order (referenced kinds first).
var Kinds = []Kind{KindExtension, KindExtensionGroup, KindSchedule, KindRingGroup, KindSequentialRing, KindCriterion}

// Data is every routing object the store holds. IDs are positive, unique
// per kind, and chosen by the caller (the API's live layer), not the store.
type Data struct {
	Extensions      []config.Extension
	ExtensionGroups []config.ExtensionGroup
	RingGroups      []config.RingGroup
	Schedules       []config.Schedule
	SequentialRings []config.SequentialRing
	Criteria        []config.Criterion
}

// Change is one object to write: Doc is the object (a config.Extension,
// config.RingGroup, ... matching Kind, with ID set), or nil to delete the
// object with that ID.
type Change struct {
	Kind Kind
	ID   int64
	Doc  any
}

// Binding is a registered contact of an extension.
type Binding struct {
	Extension string    `json:"extension"`
	Contact   string    `json:"contact"` // SIP URI
	Expires   time.Time `json:"expires"`
	CallID    string    `json:"call_id"`
	CSeq      uint32    `json:"cseq"`
	Source    string    `json:"source"` // host:port the REGISTER came from
	// Transport is the one the REGISTER came over ("" read as UDP).
	Transport string `json:"transport,omitempty"`
	// Path is the REGISTER's Path (RFC 3327) as ringd echoes it: the
	// edge proxies, comma-separated name-addrs ("" for none).
	Path string `json:"path,omitempty"`
	// UserAgent is the REGISTER's User-Agent ("" for none).
	UserAgent string `json:"user_agent,omitempty"`
}

// RecordQuery selects call records (GET /cdr). Zero fields do not filter.
type RecordQuery struct {
	Group   string
	Outcome string
	Since   time.Time // records that started at or after Since
	Until   time.Time // ... and before Until
	Skip    int
	Top     int // 0 means 100
}

// MissedCall is one missed-call record (record_missed).
type MissedCall struct {
	Extension string    `json:"extension"`
	CallID    string    `json:"call_id"`
	Group     string    `json:"group"`
	Caller    string    `json:"caller"`
	At        time.Time `json:"at"`
}

// Store keeps ringd's live data. Implementations are safe for concurrent use.
type Store interface {
	// Load returns every routing object.
	Load(ctx context.Context) (*Data, error)
	// Apply writes changes atomically: all or none.
	Apply(ctx context.Context, changes ...Change) error

	// SaveBinding inserts or refreshes a registered contact (by extension
	// and contact URI); DeleteBinding removes one; Bindings returns those
	// not expired at now.
	SaveBinding(ctx context.Context, b Binding) error
	DeleteBinding(ctx context.Context, extension, contact string) error
	Bindings(ctx context.Context, now time.Time) ([]Binding, error)

	// AddRecords writes call records, and a missed-call record for every
	// extension in each record's Missed list, atomically.
	AddRecords(ctx context.Context, records ...cdr.Record) error
	// Records returns the records that match q, newest first, and how many
	// match in all.
	Records(ctx context.Context, q RecordQuery) ([]cdr.Record, int, error)
	// MissedCalls returns an extension's missed calls, newest first.
	MissedCalls(ctx context.Context, extension string, top int) ([]MissedCall, error)

	// SaveBan keeps a ban of the SIP protection (a later end wins over an
	// earlier one of the same source); DeleteBan lifts one; Bans drops
	// those over at now and returns the others, soonest over first
	// (ringd puts them back at start).
	SaveBan(ctx context.Context, b Ban) error
	DeleteBan(ctx context.Context, source string) error
	Bans(ctx context.Context, now time.Time) ([]Ban, error)

	// Ping reports whether the store answers (GET /readyz).
	Ping(ctx context.Context) error

	Close() error
}
