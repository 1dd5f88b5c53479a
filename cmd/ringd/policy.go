package main

import (
	"time"

	"github.com/ringd/ringd/sip/transport"
)

// ringd's process-wide policy, set here and nowhere in its library
// packages:
//
//   - sipgo's finished transactions linger 5 s (linger) instead of the
//     RFC's 32 s: Kamailio's tm keeps its finished transactions as long,
//     and 5 s cover the retransmissions a peer sends after a lost reply
//     (at T1, 2*T1, 4*T1, ... of 500 ms); a copy arriving later is
//     answered as a new request (a stray BYE gets 481). With 32 s, ringd
//     held every call's messages six times as long: at 500 calls/s,
//     ~16,000 calls' worth of parsed messages in memory.
//   - sipgo sends UDP messages up to 65,507 bytes (maxUDPMessage), not its
//     default MTU of 1,500 less 200: it would refuse to forward an INVITE
//     with a large SDP offer, which UDP-only phones and trunks send. IP
//     fragments it; a larger message cannot be sent as a datagram anyway.
//   - half as many Go scheduler threads as CPUs, at least one
//     (schedulerThreads), unless GOMAXPROCS is set;
//   - the garbage collector is paced by the live heap (gcTune), and memory
//     goes back to the OS once a load has passed (memTrim: the SIP server
//     shrinks its tables, then debug.FreeOSMemory); tendMemory runs both
//     once the SIP server is up.
const (
	linger        = 5 * time.Second
	maxUDPMessage = 65507
)

// setProcessPolicy sets what must be set before the SIP server starts.
func setProcessPolicy() {
	setSchedulerThreads()
	transport.SetTransactionLinger(linger)
	transport.SetMaxUDPMessage(maxUDPMessage)
}
