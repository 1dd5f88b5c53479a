package sip

import "github.com/ringd/ringd/strategy"

// Aliases of the member-state bits, for brevity here.
type strategyState = strategy.MemberState

const (
	online = strategy.Online
	dnd    = strategy.DND
	busy   = strategy.Busy
)
