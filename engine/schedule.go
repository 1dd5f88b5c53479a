package engine

// Schedule tells whether a ring group's schedule is open at a wall-clock
// instant (Unix nanoseconds). Outside it, calls go straight to the group's
// out_of_schedule destination.
//
// This is the hook only: the engine calls it with the wall time carried in by
// the arrival event and keeps no clock of its own. Evaluating real schedules
// (weekly ranges, holidays, IANA time zones) is not built yet; the schedules
// issue supplies implementations. A nil Schedule is always open.
type Schedule interface {
	Open(unixNano int64) bool
}
