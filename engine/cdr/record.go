package cdr

import "time"

// Record is a call record as stored and served (SPEC §4): numbers instead
// of IDs, wall-clock times instead of engine times.
type Record struct {
	CallID     string    `json:"call_id"` // the SIP Call-ID of the caller's INVITE
	Group      string    `json:"group"`   // the dialled group number
	LastGroup  string    `json:"last_group,omitempty"`
	Caller     string    `json:"caller"`
	Start      time.Time `json:"start"`
	Answer     time.Time `json:"answer,omitzero"`
	End        time.Time `json:"end"`
	Outcome    string    `json:"outcome"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	Failover   string    `json:"failover,omitempty"` // destination type taken, e.g. "extension"
	FailoverTo string    `json:"failover_to,omitempty"`
	Reason     string    `json:"failover_reason,omitempty"`
	// Missed lists the extensions that get a missed-call record: the
	// members of the failover destination, when record_missed is on.
	Missed []string `json:"missed,omitempty"`
	Legs   []Leg    `json:"legs"`
}

// Leg is one leg of a Record: to a member of Group, or, after a failover,
// to an extension (Group "") or to a URI (Extension "").
type Leg struct {
	Extension string    `json:"extension"`
	Group     string    `json:"group"`
	URI       string    `json:"uri,omitempty"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Code      int       `json:"code"`
	Result    string    `json:"result"`
}
