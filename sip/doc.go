// Package sip is ringd's SIP proxy and registrar: the Server (sipgo's user
// agent and the handlers of every request) and the driver, the one
// goroutine that owns the routing engine and every call - each call's
// legs, forks and client transactions, the connected calls, pages and
// greetings. Handlers talk to the driver through typed events on a
// bounded inbox; the driver steps the engine and carries out its actions.
// Its sub-packages hold the rest of the SIP side: transport (listeners and
// their protection), registrar, proxy (validation, messages, transactions,
// forks), dialogs (busy state), media, metrics and clock (README.md,
// Structure, has the map).
//
// It and its sub-packages are the only ones that import sipgo. It must not
// import config or cmd: cmd translates the config file into Settings.
// Nothing here sets process-wide policy on import; cmd/ringd does.
package sip
