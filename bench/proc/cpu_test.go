package proc

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	line := []byte("4242 (ringd (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 8 0 100 0 0\n")
	d, err := parseStat(line)
	if err != nil || d != 3*time.Second {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := parseStat([]byte("1 (x")); err == nil {
		t.Fatal("truncated stat accepted")
	}
	if self, err := CPUTime(0); err != nil || self <= 0 {
		t.Skipf("no /proc here: %v", err)
	}
}
