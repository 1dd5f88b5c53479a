// Package redisbench measures the two Redis clients ringd could use for
// shared member state, github.com/redis/rueidis and
// github.com/redis/go-redis/v9, on the same work: the busy mark (SET EX),
// the per-group compare-and-set script (EVALSHA), PUBLISH, pub/sub latency
// and server-assisted client-side caching.
//
// It is a module of its own (github.com/ringd/ringd/bench/redis), so the
// main module neither requires both clients nor runs these benchmarks in
// `go test ./...`. Everything is in the _test.go files; the benchmarks start
// their own redis-server on a free loopback port (see README.md).
package redisbench
