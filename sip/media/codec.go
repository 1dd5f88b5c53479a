package media

import "strconv"

// Codec is an RTP payload type ringd can send: one of the static G.711
// types of RFC 3551, both 8000 Hz mono.
type Codec uint8

// The codecs ringd speaks.
const (
	PCMU Codec = 0 // G.711 u-law
	PCMA Codec = 8 // G.711 A-law
)

const (
	clockRate    = 8000 // samples per second of both codecs
	frameSamples = 160  // samples in one 20 ms packet
)

// String is the codec's encoding name as SDP's rtpmap spells it.
func (c Codec) String() string {
	switch c {
	case PCMU:
		return "PCMU"
	case PCMA:
		return "PCMA"
	}
	return "Codec(" + strconv.Itoa(int(c)) + ")"
}

// known reports whether c is PCMU or PCMA.
func (c Codec) known() bool { return c == PCMU || c == PCMA }

// silence is the byte that encodes a zero sample in c.
func (c Codec) silence() byte {
	if c == PCMA {
		return 0xD5
	}
	return 0xFF
}

// encode is c's sample encoder.
func (c Codec) encode(s int16) byte {
	if c == PCMA {
		return EncodeALaw(s)
	}
	return EncodeULaw(s)
}
