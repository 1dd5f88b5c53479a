package clock

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

// Deadline is what an item of Deadlines embeds: its place in the heap.
type Deadline struct {
	pos int // index in the heap + 1; 0 when not armed
}

func (d *Deadline) deadline() *Deadline { return d }

// Set arms item t for instant at (or moves it there).
func (q *Deadlines) Set(t Timed, at int64) {
	d := t.deadline()
	if d.pos == 0 {
		q.h = append(q.h, entry{at: at, d: d, t: t})
		d.pos = len(q.h)
	} else {
		q.h[d.pos-1].at = at
	}
	q.fix(d.pos - 1)
}

// Clear disarms item t, if it is armed.
func (q *Deadlines) Clear(t Timed) {
	if d := t.deadline(); d.pos > 0 {
		q.remove(d.pos - 1)
	}
}

// Next returns the earliest instant any item waits for.
func (q *Deadlines) Next() (int64, bool) {
	if len(q.h) == 0 {
		return 0, false
	}
	return q.h[0].at, true
}

// Due disarms and returns the earliest item whose instant is at or before
// now, or nil when none is.
func (q *Deadlines) Due(now int64) Timed {
	if len(q.h) == 0 || q.h[0].at > now {
		return nil
	}
	t := q.h[0].t
	q.remove(0)
	return t
}

// items is the heap: each entry keeps its item's instant beside it, so
// that ordering reads the slice alone (the timer loop of the SIP driver
// compares often; through the items it cost two interface calls and two
// memory loads a comparison).
type items []entry

// entry is one armed item: its instant, its Deadline (to keep pos) and
// the item itself.
type entry struct {
	at int64
	d  *Deadline
	t  Timed
}

func (q *Deadlines) swap(i, j int) {
	h := q.h
	h[i], h[j] = h[j], h[i]
	h[i].d.pos = i + 1
	h[j].d.pos = j + 1
}

// fix restores the heap after entry i's instant changed.
func (q *Deadlines) fix(i int) {
	if !q.down(i) {
		q.up(i)
	}
}

func (q *Deadlines) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if q.h[parent].at <= q.h[i].at {
			return
		}
		q.swap(i, parent)
		i = parent
	}
}

// down moves entry i towards the leaves; it reports whether it moved.
func (q *Deadlines) down(i int) bool {
	start, n := i, len(q.h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && q.h[r].at < q.h[c].at {
			c = r
		}
		if q.h[i].at <= q.h[c].at {
			break
		}
		q.swap(i, c)
		i = c
	}
	return i > start
}

// remove takes entry i out of the heap and disarms its item.
func (q *Deadlines) remove(i int) {
	last := len(q.h) - 1
	if i != last {
		q.swap(i, last)
	}
	q.h[last].d.pos = 0
	q.h[last] = entry{}
	q.h = q.h[:last]
	if i != last {
		q.fix(i)
	}
}
