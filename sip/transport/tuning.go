package transport

import (
	"time"

	"github.com/emiago/sipgo/sip"
)

// sipgo keeps its transaction timers and its UDP message limit in
// process-wide variables. These setters are the program's to call once,
// at start (cmd/ringd does, with its reasons); nothing in ringd's packages
// sets them on import.

// SetTransactionLinger sets how long sipgo's finished transactions stay to
// absorb retransmissions: RFC 3261's Timers D, J, L and M (32 s by the
// RFC and by default).
func SetTransactionLinger(d time.Duration) {
	sip.Timer_D = d
	sip.Timer_J = d
	sip.Timer_L = d
	sip.Timer_M = d
}

// SetMaxUDPMessage sets the largest SIP message sipgo sends over UDP
// (by default its MTU of 1500 less 200).
func SetMaxUDPMessage(n int) {
	sip.UDPMTUSize = n + 200 // sipgo refuses messages over UDPMTUSize-200
}
