// Package strategy computes ring plans: given a ring group's definition and a
// snapshot of member state, it decides which members ring and in what order.
//
// It owns the strategy names (with the PortSIP and Yeastar aliases), member
// availability, extension-group expansion with de-duplication, skill-level
// tiers, and the per-group memory that cyclic and least-worked hunts need
// (State). The engine package turns a plan into a timeline.
//
// The package is pure and sits on the hot path: standard library only (no
// fmt, no os, no net, no logging), no goroutines, no clocks. Times arrive as
// arguments; plan decisions fill caller-provided buffers and allocate nothing.
// It must not import engine, sip, config or anything outside the standard
// library.
package strategy
