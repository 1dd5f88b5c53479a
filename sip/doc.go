// Package sip is ringd's SIP side, and the only package that imports sipgo:
// UDP and TCP listeners, the registrar and location service, the request
// checks of SPEC §2, the driver goroutine that owns the routing engine and
// turns SIP transactions into engine events, the stateful forking proxy that
// carries out the engine's actions, and dialog tracking (who is on a call).
//
// It must not import config or cmd: cmd translates the config file into
// Settings. The engine stays pure; everything with a clock, a socket or a
// goroutine lives here.
package sip
