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
// call path: callers enqueue
// and return; one goroutine writes, records in batches. Close drains it;
// what comes after Close is reported to onError, never written.
type Persister struct {
	st   store.Store
	ops  chan op
	done chan struct{}
	errs func(error)

	mu     sync.RWMutex // held to read closed and send on ops; Close takes it to close ops
	closed bool
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
const (
	batchMax  = 1000
	batchWait = time.Second
	queueSize = 10000
	retryWait = time.Second
	keepMax   = 100000
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
	p.ops <- o
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
		if err := p.st.AddRecords(context.Background(), batch...); err != nil {
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
	for {
		select {
		case o, ok := <-p.ops:
			if !ok {
				flush()
				return
			}
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
					p.report(p.st.DeleteBan(context.Background(), o.ban.Source))
				} else {
					p.report(p.st.SaveBan(context.Background(), *o.ban))
				}
			case o.removed:
				flush() // keep records and bindings in the order they came
				p.report(p.st.DeleteBinding(context.Background(), o.binding.Extension, o.binding.Contact))
			default:
				flush()
				p.report(p.st.SaveBinding(context.Background(), *o.binding))
			}
		case <-timer.C:
			flush()
		}
	}
}

func (p *Persister) report(err error) {
	if err != nil && p.errs != nil {
		p.errs(err)
	}
}
