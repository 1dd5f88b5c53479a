package cluster

import "time"

// Kind says what a Message is about.
type Kind string

const (
	KindBinding Kind = "binding" // a registration added, refreshed or removed
	KindBusy    Kind = "busy"    // an extension's busy mark on one node, on or off
	KindConfig  Kind = "config"  // the shared store changed: read it again
	KindBan     Kind = "ban"     // a source address banned by one node
	KindMemory  Kind = "memory"  // a group's memory of its members: a ring, an answer, a wrap-up, a cooldown
	// KindLeft: a node's busy marks are void - it has not been seen for
	// Seen (its own handlers make this message up), or it has just
	// started afresh (it publishes it itself).
	KindLeft Kind = "left"
)

// Message is one change a node publishes. Only the fields its Kind names
// are set.
type Message struct {
	Node    string   `json:"node"`              // who published it
	Kind    Kind     `json:"kind"`              //
	Ext     string   `json:"ext,omitempty"`     // binding, busy
	Binding *Binding `json:"binding,omitempty"` // binding
	Removed bool     `json:"removed,omitempty"` // binding: the contact is gone
	Busy    bool     `json:"busy,omitempty"`    // busy: the mark is on
	Source  string   `json:"source,omitempty"`  // ban: the address
	Until   int64    `json:"until,omitempty"`   // ban: Unix ns it ends
	Reason  string   `json:"reason,omitempty"`  // ban: flood | auth_failures
	Memory  *Memory  `json:"memory,omitempty"`  // memory
}

// Memory is one change of a group's memory of its members (SPEC §12:
// cyclic and least-worked are one order for the cluster; wrap-up and
// cooldowns are the same on every node).
type Memory struct {
	What  string `json:"what"`            // rung, answered, rest, cool
	Group string `json:"group,omitempty"` // the group's number (rest: none)
	Ext   string `json:"ext"`             // the extension's number
	At    int64  `json:"at"`              // Unix ns: when it rang or answered, or when the rest or cooldown ends
}

// Binding is a registration as the cluster shares it: what one node's
// registrar knows of a contact, and which node holds it.
type Binding struct {
	Node      string    `json:"node"`
	Contact   string    `json:"contact"`
	Expires   time.Time `json:"expires"`
	CallID    string    `json:"call_id"`
	CSeq      uint32    `json:"cseq"`
	Source    string    `json:"source,omitempty"`
	Transport string    `json:"transport,omitempty"`
	Path      string    `json:"path,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
}

// NodeInfo is a node of the cluster as GET /api/v1/cluster lists it.
type NodeInfo struct {
	Name     string    `json:"name"`
	SIP      []string  `json:"sip"`       // its listeners, like udp://127.0.0.2:5060
	Started  time.Time `json:"started"`   //
	LastSeen time.Time `json:"last_seen"` // its last heartbeat
	Self     bool      `json:"self"`      // the node answering
}
