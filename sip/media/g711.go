package media

import "math/bits"

// G.711 (ITU-T) companding between 16-bit linear PCM and 8-bit u-law or
// A-law. Both laws split the magnitude into eight segments of sixteen
// steps each, the step doubling from one segment to the next; decoding
// returns the middle of the step a byte stands for.

const (
	ulawBias = 0x84 // added to the magnitude so that every segment starts on a power of two
	ulawClip = 32635
)

// EncodeULaw encodes one linear sample as G.711 u-law.
func EncodeULaw(s int16) byte {
	v := int(s)
	var sign byte
	if v < 0 {
		v = -v
		sign = 0x80
	}
	if v > ulawClip {
		v = ulawClip
	}
	v += ulawBias // now 132..32767: bit 7 or a higher one is set
	seg := bits.Len(uint(v>>7)) - 1
	mant := byte(v>>(seg+3)) & 0x0F
	return ^(sign | byte(seg)<<4 | mant)
}

// DecodeULaw decodes one G.711 u-law byte to a linear sample.
func DecodeULaw(b byte) int16 {
	b = ^b
	seg := uint(b>>4) & 0x07
	mant := int(b & 0x0F)
	v := ((mant<<3)+ulawBias)<<seg - ulawBias
	if b&0x80 != 0 {
		v = -v
	}
	return int16(v)
}

// EncodeALaw encodes one linear sample as G.711 A-law.
func EncodeALaw(s int16) byte {
	v := int(s)
	mask := byte(0xD5) // sign bit set for positive values, even bits inverted
	if v < 0 {
		v = -v - 1
		mask = 0x55
	}
	v >>= 3 // A-law works on 13-bit samples: magnitude 0..4095
	var code byte
	if v < 32 {
		code = byte(v >> 1)
	} else {
		seg := bits.Len(uint(v)) - 5 // 1..7
		code = byte(seg)<<4 | byte(v>>seg)&0x0F
	}
	return code ^ mask
}

// DecodeALaw decodes one G.711 A-law byte to a linear sample.
func DecodeALaw(b byte) int16 {
	b ^= 0x55
	seg := uint(b>>4) & 0x07
	mant := int(b & 0x0F)
	var v int
	if seg == 0 {
		v = mant<<1 + 1
	} else {
		v = (mant|0x10)<<seg + 1<<(seg-1)
	}
	v <<= 3
	if b&0x80 == 0 {
		v = -v
	}
	return int16(v)
}
