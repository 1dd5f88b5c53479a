package bench

import (
	"math"
	"testing"
	"time"
)

func count(s schedule) (n int, last time.Duration) {
	for k := 0; ; k++ {
		d, ok := s.due(k)
		if !ok {
			return k, last
		}
		last = d
	}
}

func TestConstantRate(t *testing.T) {
	s := schedule{from: 200, to: 200, window: 30 * time.Second}
	n, last := count(s)
	if n != 6000 || last != 29995*time.Millisecond {
		t.Fatalf("%d calls, last at %v", n, last)
	}
	if d, _ := s.due(1); d != 5*time.Millisecond {
		t.Fatalf("second call at %v", d)
	}
	if s.expected() != 6000 || s.end(6000) != 30*time.Second {
		t.Fatalf("expected %d end %v", s.expected(), s.end(6000))
	}
	s = schedule{from: 20, to: 20, calls: 7}
	if n, _ := count(s); n != 7 || s.end(7) != 350*time.Millisecond {
		t.Fatalf("-calls 7: %d calls, end %v", n, s.end(7))
	}
}

// TestRampIsLinear: a 50->800 ramp over 60 s launches (50+800)/2*60 calls,
// and the launches in each second match the rate at that second.
func TestRampIsLinear(t *testing.T) {
	s := schedule{from: 50, to: 800, window: 60 * time.Second}
	n, _ := count(s)
	if want := 25500; n != want || s.expected() != want {
		t.Fatalf("%d calls (expected() %d), want %d", n, s.expected(), want)
	}
	perSecond := make([]int, 60)
	for k := 0; k < n; k++ {
		d, _ := s.due(k)
		perSecond[int(d/time.Second)]++
	}
	for sec, got := range perSecond {
		want := s.rate(time.Duration(sec)*time.Second + 500*time.Millisecond)
		if math.Abs(float64(got)-want) > 1.5 {
			t.Errorf("second %d: %d calls, want %.1f", sec, got, want)
		}
	}
	if r := s.rate(30 * time.Second); r != 425 {
		t.Errorf("rate at 30 s = %v", r)
	}
	// From 0 and falling ramps work too.
	if n, _ := count(schedule{from: 0, to: 100, window: 10 * time.Second}); n != 500 {
		t.Errorf("0->100 over 10 s: %d calls", n)
	}
	if n, _ := count(schedule{from: 100, to: 0, window: 10 * time.Second}); n < 499 || n > 500 {
		t.Errorf("100->0 over 10 s: %d calls", n)
	}
}
