// Package proc reads what ringbench measures of processes and of the host
// from Linux's /proc: a process's CPU time (utime+stime) and RSS, by a
// Meter over a run and per interval, and the host's UDP receive errors.
// Where /proc is missing it says so (an error, false, -1) rather than
// guess. It imports the standard library only.
package proc
