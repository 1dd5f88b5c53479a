// Package cdr owns the shapes in which ringd stores and serves what its
// calls did: the call record with its legs (Record, Leg; SPEC §4) and the
// view of a call in progress (LiveCall, GET /calls). The engine fills them;
// the store, the admin API and the SIP side carry them. Their JSON field
// names are the stored and served format.
//
// The package is pure data: standard library only. It must not import any
// other ringd package, net, os, log/slog, sipgo, zap or Prometheus
// (cmd/ringd/imports_test.go enforces it).
package cdr
