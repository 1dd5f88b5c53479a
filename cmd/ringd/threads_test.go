package main

import "testing"

// Half of Go's default threads, at least one; the environment wins.
func TestSchedulerThreads(t *testing.T) {
	for _, c := range []struct {
		goDefault int
		env       bool
		want      int
	}{{1, false, 1}, {2, false, 1}, {3, false, 1}, {4, false, 2}, {16, false, 8}, {2, true, 2}, {16, true, 16}} {
		if got := schedulerThreads(c.goDefault, c.env); got != c.want {
			t.Errorf("schedulerThreads(%d, env %v) = %d, want %d", c.goDefault, c.env, got, c.want)
		}
	}
}
