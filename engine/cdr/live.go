package cdr

import "time"

// LiveCall is a read-only view of a call in progress (GET /calls).
type LiveCall struct {
	Group     string    `json:"group"`
	Caller    string    `json:"caller"`
	Start     time.Time `json:"start"`
	Connected bool      `json:"connected"`
	Ringing   []string  `json:"ringing"` // extensions ringing now
}
