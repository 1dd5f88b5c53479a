package engine

// deadlines is an indexed min-heap of call slots by deadline: each call has
// at most one armed deadline, which can be moved or cleared in O(log n)
// without leaving stale entries behind. It allocates only while growing.
type deadlines struct {
	heap []deadline
	pos  []int32 // by slot: index in heap, or -1
}

type deadline struct {
	at   int64
	slot int32
}

// grow makes room for slots [0, n).
func (d *deadlines) grow(n int) {
	for len(d.pos) < n {
		d.pos = append(d.pos, -1)
	}
	if cap(d.heap) < n { // one deadline per slot at most: arming never grows the heap
		d.heap = append(make([]deadline, 0, max(2*cap(d.heap), n)), d.heap...)
	}
}

// shrink keeps room for slots [0, n) only; none of the others is armed.
func (d *deadlines) shrink(n int) {
	if n < len(d.pos) {
		d.pos = append([]int32(nil), d.pos[:n]...)
	}
	if cap(d.heap) > 2*len(d.heap)+64 {
		d.heap = append([]deadline(nil), d.heap...)
	}
}

// set arms (or moves) slot's deadline to at.
func (d *deadlines) set(slot int32, at int64) {
	i := d.pos[slot]
	if i < 0 {
		i = int32(len(d.heap))
		d.heap = append(d.heap, deadline{at, slot})
		d.pos[slot] = i
		d.up(int(i))
		return
	}
	old := d.heap[i].at
	d.heap[i].at = at
	if at < old {
		d.up(int(i))
	} else {
		d.down(int(i))
	}
}

// clear disarms slot's deadline, if any.
func (d *deadlines) clear(slot int32) {
	i := d.pos[slot]
	if i < 0 {
		return
	}
	last := len(d.heap) - 1
	d.swap(int(i), last)
	d.heap = d.heap[:last]
	d.pos[slot] = -1
	if int(i) < last {
		d.down(int(i))
		d.up(int(i))
	}
}

// next returns the earliest deadline.
func (d *deadlines) next() (deadline, bool) {
	if len(d.heap) == 0 {
		return deadline{}, false
	}
	return d.heap[0], true
}

// armed returns slot's deadline, if armed.
func (d *deadlines) armed(slot int32) (int64, bool) {
	if i := d.pos[slot]; i >= 0 {
		return d.heap[i].at, true
	}
	return 0, false
}

func (d *deadlines) less(i, j int) bool {
	a, b := d.heap[i], d.heap[j]
	return a.at < b.at || a.at == b.at && a.slot < b.slot
}

func (d *deadlines) swap(i, j int) {
	d.heap[i], d.heap[j] = d.heap[j], d.heap[i]
	d.pos[d.heap[i].slot] = int32(i)
	d.pos[d.heap[j].slot] = int32(j)
}

func (d *deadlines) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !d.less(i, p) {
			return
		}
		d.swap(i, p)
		i = p
	}
}

func (d *deadlines) down(i int) {
	n := len(d.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && d.less(r, l) {
			m = r
		}
		if !d.less(m, i) {
			return
		}
		d.swap(i, m)
		i = m
	}
}
