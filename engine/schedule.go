package engine

// Schedule tells whether a ring group's schedule is open at a wall-clock
// instant (Unix nanoseconds). Outside it, calls go straight to the group's
// out_of_schedule destination.
//
// The engine calls it with the wall time carried in by the arrival event and
// keeps no clock of its own. Calendar (weekly ranges, closed dates, a time
// zone) implements it; config does not build Calendars from the schedules
// of the file yet. A nil Schedule is always open.
type Schedule interface {
	Open(unixNano int64) bool
}
