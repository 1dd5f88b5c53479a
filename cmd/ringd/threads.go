package main

import (
	"os"
	"runtime"
)

// schedulerThreads is how many Go scheduler threads (GOMAXPROCS) ringd
// runs with when the environment does not say: half of Go's default (the
// CPUs the process may use), at least one.
//
// ringd routes every call on one goroutine (the SIP driver); the others
// read and parse datagrams, write them and write records, each for a few
// microseconds at a time. Every hand-off between them wakes an idle
// scheduler thread, which spins looking for work, polls the network and
// sleeps again - on a host whose other CPUs are busy (phones' media, a
// database, a load generator) that is most of what the second thread does.
// Measured on a 2-CPU host sharing its CPUs with SIPp (bench/compare,
// ring_all_2 at 500 calls/s): 820 us of CPU per call with Go's 2 threads,
// 615 us with 1, with the same highest clean rate; the profile of the
// first spends a fifth of its time in the scheduler (findRunnable,
// epoll_wait, futex). Hosts with more CPUs keep half of them, for the
// readers and the collector. GOMAXPROCS in the environment wins.
func schedulerThreads(goDefault int, envSet bool) int {
	if envSet {
		return goDefault
	}
	return max(1, goDefault/2)
}

// setSchedulerThreads applies schedulerThreads.
func setSchedulerThreads() {
	_, envSet := os.LookupEnv("GOMAXPROCS")
	goDefault := runtime.GOMAXPROCS(0)
	if n := schedulerThreads(goDefault, envSet); n != goDefault {
		runtime.GOMAXPROCS(n)
	}
}
