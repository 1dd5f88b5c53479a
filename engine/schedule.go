package engine

// Schedule tells whether a ring group's schedule is open at a wall-clock
// instant (Unix nanoseconds). Outside it, calls go straight to the group's
// out_of_schedule destination.
//
// The engine calls it with the wall time carried in by the arrival event and
// keeps no clock of its own. calendar.Calendar (package engine/calendar:
// weekly ranges, closed dates, a time zone) implements it; config builds
// one for each schedule of the file. A nil Schedule is always open.
type Schedule interface {
	Open(unixNano int64) bool
}
