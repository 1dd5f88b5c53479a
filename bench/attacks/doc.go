// Package attacks is the project's own regression set of attack and
// malformed SIP messages, one or more per class found in public
// advisories (header smuggling, nameless headers, Via abuse, RFC 4475's
// strictness cases, scanners), written for ringd (no message is copied
// from anywhere), and a client that sends each over UDP, TCP, TLS and
// WebSocket and reads what comes back (Send). Its test runs them against a
// real ringd in make test: every class gets its code - never a 2xx - on
// every transport, nothing reaches the member behind ringd, and ringd
// still answers an OPTIONS after each.
//
// It imports gobwas/ws (the WebSocket client) and the standard library; no
// package of ringd (its test runs ringd as a process through
// bench/internal/ringdtest).
package attacks
