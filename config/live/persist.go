package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine/cdr"
)

// Persister writes what the SIP side produces - call records,
// registration changes and the protection's bans - to the store off the
// call path: callers enqueue and return, never waiting for the store;
// one goroutine writes, records in batches. Close drains it; what comes
// after Close is reported to onError, never written.
type Persister struct {
	st   store.Store
	wake chan struct{} // a token: pending has something, or closed was set
	done chan struct{}
	errs func(error)

	mu      sync.Mutex
	pending []op // in the order they came, queueSize+keepMax at most
	spare   []op // the slice run handled last, reused for pending
	closed  bool
}

type op struct {
	record  *cdr.Record
	binding *store.Binding
	ban     *store.Ban
	removed bool // the binding removed, the ban lifted
}

// batchMax and batchWait bound how many records one write carries and how
// long a record may wait for others. Each write is a transaction the store
// syncs to disk; under load, syncing ten times a second cost ringd more
// CPU than the records themselves (the store's thread blocks in fsync, and
// Go's scheduler moves the SIP work to another thread and back each time),
// so a record may wait up to a second, and a thousand go in one write.
// Close still writes everything queued.
//
// Records a write failed for (the store down, PostgreSQL restarting) are
// kept and written again every retryWait, in their order, ahead of the
// new ones; beyond keepMax kept records the oldest are dropped and
// reported.
//
// A write may take writeTimeout (the store hung: it is a failed write,
// tried again); what is queued meanwhile waits, queueSize+keepMax
// operations at most, beyond which the newest are dropped and reported:
// the call path never waits for the store.
const (
	batchMax     = 1000
	batchWait    = time.Second
	queueSize    = 10000
	retryWait    = time.Second
	keepMax      = 100000
	writeTimeout = 10 * time.Second
)

// NewPersister starts the writer. onError hears of failed writes.
func NewPersister(st store.Store, onError func(error)) *Persister {
	p := &Persister{st: st, wake: make(chan struct{}, 1), done: make(chan struct{}), errs: onError}
	go p.run()
	return p
}

// Record queues a call record.
func (p *Persister) Record(r cdr.Record) { p.queue(op{record: &r}) }

// Binding queues a registration change.
func (p *Persister) Binding(b store.Binding, removed bool) {
	p.queue(op{binding: &b, removed: removed})
}

// Ban queues a ban the protection started (lifted false) or a ban lifted
// (only its Source counts).
func (p *Persister) Ban(b store.Ban, lifted bool) { p.queue(op{ban: &b, removed: lifted}) }

// errClosed is what a write after Close is reported as.
var errClosed = errors.New("persister closed: a call record or registration change came after shutdown and was not written")

func (p *Persister) queue(o op) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		p.report(errClosed)
	case len(p.pending) >= queueSize+keepMax:
		p.report(errSpillFull)
	default:
		p.pending = append(p.pending, o)
		p.signal()
	}
}

// signal wakes run (a token left there already will do).
func (p *Persister) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// errSpillFull is what an operation dropped because the store has been
// stuck for too long is reported as.
var errSpillFull = fmt.Errorf("a call record or registration change was dropped: the store has not kept up (over %d waiting)", queueSize+keepMax)

// take returns what is pending, in order, and whether Close was called;
// handled (what run wrote last) becomes the next pending slice.
func (p *Persister) take(handled []op) ([]op, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ops := p.pending
	clear(handled)
	p.pending = handled[:0]
	return ops, p.closed
}

// Close writes what is queued and stops.
func (p *Persister) Close() {
	p.mu.Lock()
	p.closed = true
	p.signal()
	p.mu.Unlock()
	<-p.done
}

func (p *Persister) run() {
	defer close(p.done)
	var batch []cdr.Record
	failing := false // the last write of records failed: only the timer tries again
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	flush := func() {
		timer.Stop()
		if len(batch) == 0 {
			return
		}
		if err := write(func(ctx context.Context) error { return p.st.AddRecords(ctx, batch...) }); err != nil {
			p.report(fmt.Errorf("%d call records not written yet, trying again: %w", len(batch), err))
			if over := len(batch) - keepMax; over > 0 {
				p.report(fmt.Errorf("%d call records dropped: the store has failed for too long", over))
				batch = append(batch[:0], batch[over:]...)
			}
			failing = true
			timer.Reset(retryWait)
			return
		}
		failing = false
		batch = batch[:0]
	}
	handle := func(o op) {
		switch {
		case o.record != nil:
			batch = append(batch, *o.record)
			if len(batch) == 1 {
				timer.Reset(batchWait)
			}
			if len(batch) >= batchMax && !failing {
				flush()
			}
		case o.ban != nil:
			if o.removed {
				p.report(write(func(ctx context.Context) error { return p.st.DeleteBan(ctx, o.ban.Source) }))
			} else {
				p.report(write(func(ctx context.Context) error { return p.st.SaveBan(ctx, *o.ban) }))
			}
		case o.removed:
			flush() // keep records and bindings in the order they came
			p.report(write(func(ctx context.Context) error {
				return p.st.DeleteBinding(ctx, o.binding.Extension, o.binding.Contact)
			}))
		default:
			flush()
			p.report(write(func(ctx context.Context) error { return p.st.SaveBinding(ctx, *o.binding) }))
		}
	}
	var ops []op
	for {
		select {
		case <-p.wake:
		case <-timer.C:
			flush()
			continue
		}
		var closed bool
		ops, closed = p.take(ops)
		for _, o := range ops {
			handle(o)
		}
		if closed {
			flush()
			return
		}
	}
}

// write runs one store write, bounded by writeTimeout.
func write(f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	return f(ctx)
}

func (p *Persister) report(err error) {
	if err != nil && p.errs != nil {
		p.errs(err)
	}
}
