// Package cluster is the cluster suite (SPEC §12): real ringd processes,
// three nodes on 127.0.0.2, 127.0.0.3 and 127.0.0.4 sharing one
// PostgreSQL database and one Redis (throwaway servers from
// sip/cluster/clustertest), real sipgo phones and callers (sip/siptest) on
// 127.0.0.1, the admin API over HTTP, and Kamailio's dispatcher
// (dispatcher.cfg) in front of the nodes.
//
// The tests are behind the build tag "cluster", so `make test` leaves
// them out; `make cluster` runs them (and installs redis-server,
// postgresql and kamailio when they are missing):
//
//	go test -race -tags cluster -count=1 -timeout 20m ./bench/cluster/
//
// TestFigures measures the cluster (calls/s and CPU per call through one
// node and through three behind the dispatcher, Redis round trips per
// call, how long an API change takes to reach every node) and writes
// RESULTS.md; it runs only when asked:
//
//	go test -tags cluster -count=1 -timeout 30m -run TestFigures ./bench/cluster/ -figures RESULTS.md
//
// There is nothing to import here.
package cluster
