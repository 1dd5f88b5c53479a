package clock

import "container/heap"

// Deadlines are the timers of one goroutine: items that each want to be
// woken at one instant (nanoseconds on the owner's own time line), kept
// in a min-heap so that the owner arms a single clock timer for the
// earliest. An item embeds Deadline; Set moves it, Clear drops it, and
// Due takes the items whose instant has come. Not safe for concurrent
// use: one goroutine owns its Deadlines and their items.
type Deadlines struct {
	h items
}

// Timed is an item of Deadlines.
type Timed interface{ deadline() *Deadline }

// Deadline is what an item of Deadlines embeds: its instant and its place
// in the heap.
type Deadline struct {
	at  int64
	pos int // index in the heap + 1; 0 when not armed
}

func (d *Deadline) deadline() *Deadline { return d }

// Set arms item t for instant at (or moves it there).
func (q *Deadlines) Set(t Timed, at int64) {
	d := t.deadline()
	d.at = at
	if d.pos == 0 {
		q.h = append(q.h, t)
		d.pos = len(q.h)
	}
	heap.Fix(&q.h, d.pos-1)
}

// Clear disarms item t, if it is armed.
func (q *Deadlines) Clear(t Timed) {
	if d := t.deadline(); d.pos > 0 {
		heap.Remove(&q.h, d.pos-1)
	}
}

// Next returns the earliest instant any item waits for.
func (q *Deadlines) Next() (int64, bool) {
	if len(q.h) == 0 {
		return 0, false
	}
	return q.h[0].deadline().at, true
}

// Due disarms and returns the earliest item whose instant is at or before
// now, or nil when none is.
func (q *Deadlines) Due(now int64) Timed {
	if len(q.h) == 0 || q.h[0].deadline().at > now {
		return nil
	}
	return heap.Pop(&q.h).(Timed)
}

// items is the heap (container/heap.Interface); an item's pos follows its
// index.
type items []Timed

func (h items) Len() int           { return len(h) }
func (h items) Less(i, j int) bool { return h[i].deadline().at < h[j].deadline().at }

func (h items) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].deadline().pos = i + 1
	h[j].deadline().pos = j + 1
}

// Push is never called: Set appends and fixes in place.
func (h *items) Push(x any) { *h = append(*h, x.(Timed)) }

// Pop removes the last item (heap.Pop and heap.Remove have moved the one
// they take there).
func (h *items) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.deadline().pos = 0
	return t
}
