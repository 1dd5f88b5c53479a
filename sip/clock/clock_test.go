package clock

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestFakeTimersFireInOrderAsTheClockPasses(t *testing.T) {
	start := time.Unix(1000, 0)
	f := NewFake(start)
	a, b := f.NewTimer(), f.NewTimer()
	a.Reset(2 * time.Second)
	b.Reset(time.Second)
	f.Advance(999 * time.Millisecond)
	select {
	case <-a.C():
		t.Fatal("a fired early")
	case <-b.C():
		t.Fatal("b fired early")
	default:
	}
	f.Advance(5 * time.Second)
	if got := <-b.C(); !got.Equal(start.Add(time.Second)) {
		t.Errorf("b fired at %v, want its own instant", got.Sub(start))
	}
	if got := <-a.C(); !got.Equal(start.Add(2 * time.Second)) {
		t.Errorf("a fired at %v, want its own instant", got.Sub(start))
	}
	if got := f.Now().Sub(start); got != 5999*time.Millisecond {
		t.Errorf("clock at %v", got)
	}
}

func TestFakeTimerStopAndReset(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	tm := f.NewTimer()
	tm.Reset(time.Second)
	tm.Stop()
	f.Advance(2 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("a stopped timer fired")
	default:
	}
	tm.Reset(0) // at once
	select {
	case <-tm.C():
	default:
		t.Fatal("Reset(0) did not fire at once")
	}
	tm.Reset(time.Second)
	f.Advance(time.Second)
	tm.Reset(time.Second) // drops the unread fire
	select {
	case <-tm.C():
		t.Fatal("Reset kept a stale fire")
	default:
	}
}

type item struct {
	Deadline
	name int
}

func TestDeadlinesComeOutInOrder(t *testing.T) {
	var q Deadlines
	rng := rand.New(rand.NewPCG(1, 1))
	items := make([]*item, 200)
	want := map[*item]int64{}
	for i := range items {
		items[i] = &item{name: i}
		at := rng.Int64N(1000)
		q.Set(items[i], at)
		want[items[i]] = at
	}
	for i := 0; i < 200; i += 3 { // move some, clear some
		if i%2 == 0 {
			at := rng.Int64N(1000)
			q.Set(items[i], at)
			want[items[i]] = at
		} else {
			q.Clear(items[i])
			delete(want, items[i])
		}
	}
	var got []int64
	for {
		x := q.Due(1 << 62)
		if x == nil {
			break
		}
		it := x.(*item)
		if it.Deadline.pos != 0 {
			t.Fatal("a due item is still armed")
		}
		got = append(got, want[it])
		delete(want, it)
	}
	if len(want) != 0 || !slices.IsSorted(got) {
		t.Errorf("left %d, order %v", len(want), got)
	}
	if _, ok := q.Next(); ok {
		t.Error("deadlines left")
	}
}

// BenchmarkDeadlines: the driver's pattern - about 3,000 armed items (calls
// ringing, transactions lingering), each moved once and then taken due.
func BenchmarkDeadlines(b *testing.B) {
	var q Deadlines
	items := make([]item, 3000)
	for i := range items {
		q.Set(&items[i], int64(i*1000))
	}
	b.ReportAllocs()
	b.ResetTimer()
	now := int64(0)
	for i := 0; i < b.N; i++ {
		it := &items[i%len(items)]
		now += 1000
		q.Set(it, now+3_000_000)
		if x := q.Due(now); x != nil {
			q.Set(x, now+int64(len(items))*1000)
		}
	}
}
