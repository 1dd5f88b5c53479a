// Package engine is ringd's call-routing state machine: every ring
// timeline of a call - a ring group's strategy, its failover stage, a call
// to an extension (all its contacts, or its sequential ring, then its
// voicemail), failover legs to extensions, the trunk and services - with
// member and group state and the header decisions for every leg. It owns
// nothing that talks to the outside world.
//
// The engine is pure, in the manner of etcd-io/raft: no goroutines, no
// timers, no clock reads, no I/O, no logging. Every input is an event method
// carrying now (monotonic nanoseconds); every output is an Action appended to
// a caller-owned slice. NextDeadline says when to call Tick next. One driver
// goroutine (package sip) owns an Engine and runs this loop:
//
//	out = out[:0]
//	id, out := eng.Arrive(now, wall, group, caller, out) // or any other event
//	for _, a := range out { carry it out }
//	if at, ok := eng.NextDeadline(); ok { arm one timer for at }
//	// when the timer fires: out = eng.Tick(now, out[:0]) and carry that out
//
// Every event method first fires the deadlines that fall at or before its
// now, each at its own instant, so a step boundary is exact to the engine's
// clock whatever the driver's timer latency. Step takes any event as a
// value (Event), so a driver can keep what it fed the engine and a call
// can be replayed.
//
// A call goes through stages: the group stage (the dialled group and the
// groups chained to it), then, when its failover goes to an extension or
// a service, the extension stage or the service stage; a call dialled to
// an extension starts in the extension stage. A group call's record is
// written when the call ends; ActEnd is every call's last action.
//
// Pointers and slices inside Actions (records, headers) stay valid until the
// next call into the Engine; copy what you keep.
//
// Call records and views of calls in progress come out in the shapes of
// package engine/cdr, which the engine fills.
//
// The package must not import net, os, log/slog, sipgo, zap, Prometheus or
// any other ringd package than strategy and engine/cdr
// (cmd/ringd/imports_test.go enforces it).
package engine
