package main

import "testing"

func TestGCPercentGivesSmallHeapsHeadroom(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},              // nothing measured yet: Go's default
		{4 << 20, 800},        // capped
		{16 << 20, 400},       // may grow by 64 MB
		{32 << 20, 200},       // by 64 MB
		{64 << 20, 100},       // by the live heap, as by default
		{500 << 20, 100},      // a big heap keeps the default pacing
		{(64 << 20) - 1, 100}, // rounding down never goes below the default
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
