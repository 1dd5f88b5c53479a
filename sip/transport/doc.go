// Package transport owns what happens at ringd's SIP sockets before and
// around sipgo's transport layer: the listeners (UDP, TCP, TLS, WS, WSS)
// and their certificates, the protection at the door (Filter: flood
// limit, bans, scanners, the screen of datagrams and stream messages
// before sipgo parses them, stream framing and the gate on stream
// connections) and the UDP socket tuning.
//
// It imports sipgo, zap, sip/clock, sip/metrics and sip/grammar; it must
// not import the root sip package, config or engine.
package transport
