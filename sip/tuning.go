package sip

import (
	"time"

	"github.com/emiago/sipgo/sip"
)

// linger is how long a finished transaction stays to absorb retransmissions
// before it is forgotten: RFC 3261's Timers D, J, L and M, 32 s by the RFC.
// Five seconds, as Kamailio's tm keeps its finished transactions
// (wt_timer), cover the retransmissions a peer sends after a lost reply
// (at T1, 2*T1, 4*T1, ... of 500 ms); a copy arriving later is answered
// as a new request (a stray BYE gets 481). With the RFC's 32 s, ringd held
// every call's messages six times as long: at 500 calls/s that is
// ~16,000 calls' worth of parsed requests and responses in memory.
const linger = 5 * time.Second

// maxUDPMessage is the largest SIP message ringd sends over UDP; sipgo's
// default (its MTU of 1500, less 200) would refuse to forward an INVITE
// with a large SDP offer, which UDP-only phones and trunks send. IP
// fragments it; a message larger than a datagram cannot be sent anyway.
const maxUDPMessage = 65507

func init() {
	sip.Timer_D = linger
	sip.Timer_J = linger
	sip.Timer_L = linger
	sip.Timer_M = linger
	sip.UDPMTUSize = maxUDPMessage + 200 // sipgo refuses messages over UDPMTUSize-200
}
