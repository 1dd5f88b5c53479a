package media

import (
	"math"
	"testing"
)

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestULawRoundTrip checks every int16: the decoded value is within half
// a quantisation step (the step is 1/16 of the segment, so at most
// (|s|+132)/32), and decoding is monotonic.
func TestULawRoundTrip(t *testing.T) {
	prev := math.MinInt
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		d := int(DecodeULaw(EncodeULaw(int16(v))))
		if err := abs(d - v); err*32 > abs(v)+132 {
			t.Fatalf("u-law %d -> %d: error %d", v, d, err)
		}
		if d < prev {
			t.Fatalf("u-law not monotonic at %d: %d after %d", v, d, prev)
		}
		prev = d
	}
}

func TestALawRoundTrip(t *testing.T) {
	prev := math.MinInt
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		d := int(DecodeALaw(EncodeALaw(int16(v))))
		// Steps are 16 in the two lowest segments, then 1/16 of the segment.
		if err := abs(d - v); err > 8 && err*32 > abs(v)+32 {
			t.Fatalf("A-law %d -> %d: error %d", v, d, err)
		}
		if d < prev {
			t.Fatalf("A-law not monotonic at %d: %d after %d", v, d, prev)
		}
		prev = d
	}
}

// TestG711Bytes checks that every code decodes to a value that encodes
// back to it (u-law's negative zero 0x7F aside, which is zero).
func TestG711Bytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		if got := EncodeULaw(DecodeULaw(byte(b))); got != byte(b) && b != 0x7F {
			t.Errorf("u-law %#02x -> %d -> %#02x", b, DecodeULaw(byte(b)), got)
		}
		if got := EncodeALaw(DecodeALaw(byte(b))); got != byte(b) {
			t.Errorf("A-law %#02x -> %d -> %#02x", b, DecodeALaw(byte(b)), got)
		}
	}
}

func TestG711Reference(t *testing.T) {
	for _, c := range []struct {
		in   int16
		ulaw byte
		alaw byte
	}{
		{0, 0xFF, 0xD5},
		{-1, 0x7F, 0x55},
		{32767, 0x80, 0xAA},
		{-32768, 0x00, 0x2A},
		{1000, 0xCE, 0xFA},
		{-1000, 0x4E, 0x7A},
	} {
		if got := EncodeULaw(c.in); got != c.ulaw {
			t.Errorf("EncodeULaw(%d) = %#02x, want %#02x", c.in, got, c.ulaw)
		}
		if got := EncodeALaw(c.in); got != c.alaw {
			t.Errorf("EncodeALaw(%d) = %#02x, want %#02x", c.in, got, c.alaw)
		}
	}
	// Well-known decoded values: zero, the smallest and the largest codes.
	for b, want := range map[byte]int16{0xFF: 0, 0x7F: 0, 0xFE: 8, 0x7E: -8, 0x80: 32124, 0x00: -32124} {
		if got := DecodeULaw(b); got != want {
			t.Errorf("DecodeULaw(%#02x) = %d, want %d", b, got, want)
		}
	}
	for b, want := range map[byte]int16{0xD5: 8, 0x55: -8, 0xAA: 32256, 0x2A: -32256} {
		if got := DecodeALaw(b); got != want {
			t.Errorf("DecodeALaw(%#02x) = %d, want %d", b, got, want)
		}
	}
}
