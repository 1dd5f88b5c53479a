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
	ops  chan op
	done chan struct{}
	errs func(error)

	mu     sync.RWMutex // held to read closed and send on ops; Close takes it to close ops
	closed bool

	// spill holds, in order, what came while ops was full (the store slow
	// or stuck); while it holds anything, what comes next goes there too.
	spillMu sync.Mutex // held to send on ops too, so that run sees the two in order
	spill   []op
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
// tried again); what is queued meanwhile past queueSize waits in the
// spill, at most keepMax operations, beyond which the newest are dropped
// and reported: the call path never waits for the store.
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
	p := &Persister{st: st, ops: make(chan op, queueSize), done: make(chan struct{}), errs: onError}
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
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		p.report(errClosed)
		return
	}
	p.spillMu.Lock()
	defer p.spillMu.Unlock()
	if len(p.spill) == 0 {
		select {
		case p.ops <- o:
			return
		default:
		}
	}
	if len(p.spill) >= keepMax {
		p.report(errSpillFull)
		return
	}
	p.spill = append(p.spill, o)
}

// errSpillFull is what an operation dropped because the store has been
// stuck for too long is reported as.
var errSpillFull = fmt.Errorf("a call record or registration change was dropped: the store has not kept up (over %d waiting)", queueSize+keepMax)

// spillIsNext empties the spill and returns what it held once the
// channel is empty (before that, the channel's operations come first: the
// spill only grows while the channel is full, so run never waits on an
// empty channel with a spill to write).
func (p *Persister) spillIsNext() []op {
	p.spillMu.Lock()
	defer p.spillMu.Unlock()
	if len(p.ops) > 0 {
		return nil
	}
	s := p.spill
	p.spill = nil
	return s
}

// Close writes what is queued and stops.
func (p *Persister) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.ops)
	}
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
	for {
		for _, o := range p.spillIsNext() {
			handle(o)
		}
		select {
		case o, ok := <-p.ops:
			if !ok {
				for _, o := range p.spillIsNext() {
					handle(o)
				}
				flush()
				return
			}
			handle(o)
		case <-timer.C:
			flush()
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
