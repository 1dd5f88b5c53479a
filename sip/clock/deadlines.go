package clock

// Deadlines are the timers of one goroutine: items that each want to be
// woken at one instant (nanoseconds on the owner's own time line), kept
// in a min-heap so that the owner arms a single clock timer for the
// earliest. An item embeds Deadline; Set moves it, Clear drops it, and
// Due takes the items whose instant has come. Not safe for concurrent
// use: one goroutine owns its Deadlines and their items.
type Deadlines struct {
	heap []Timed
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

// Armed reports whether the item waits, and for when.
func (d *Deadline) Armed() (int64, bool) { return d.at, d.pos > 0 }

// Set arms item t for instant at (or moves it there).
func (q *Deadlines) Set(t Timed, at int64) {
	d := t.deadline()
	if d.pos == 0 {
		q.heap = append(q.heap, t)
		d.pos = len(q.heap)
		d.at = at
		q.up(d.pos - 1)
		return
	}
	old := d.at
	d.at = at
	if at < old {
		q.up(d.pos - 1)
	} else {
		q.down(d.pos - 1)
	}
}

// Clear disarms item t, if it is armed.
func (q *Deadlines) Clear(t Timed) {
	d := t.deadline()
	if d.pos == 0 {
		return
	}
	i, last := d.pos-1, len(q.heap)-1
	q.swap(i, last)
	q.heap[last] = nil
	q.heap = q.heap[:last]
	d.pos = 0
	if i < last {
		q.down(i)
		q.up(i)
	}
}

// Next returns the earliest instant any item waits for.
func (q *Deadlines) Next() (int64, bool) {
	if len(q.heap) == 0 {
		return 0, false
	}
	return q.heap[0].deadline().at, true
}

// Due disarms and returns the earliest item whose instant is at or before
// now, or nil when none is.
func (q *Deadlines) Due(now int64) Timed {
	if len(q.heap) == 0 || q.heap[0].deadline().at > now {
		return nil
	}
	t := q.heap[0]
	q.Clear(t)
	return t
}

// Len is how many items are armed.
func (q *Deadlines) Len() int { return len(q.heap) }

func (q *Deadlines) less(i, j int) bool { return q.heap[i].deadline().at < q.heap[j].deadline().at }

func (q *Deadlines) swap(i, j int) {
	q.heap[i], q.heap[j] = q.heap[j], q.heap[i]
	q.heap[i].deadline().pos = i + 1
	q.heap[j].deadline().pos = j + 1
}

func (q *Deadlines) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

func (q *Deadlines) down(i int) {
	n := len(q.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && q.less(r, l) {
			m = r
		}
		if !q.less(m, i) {
			return
		}
		q.swap(i, m)
		i = m
	}
}
