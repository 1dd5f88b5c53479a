package live

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine/cdr"
)

// failingRecords is a real store whose record writes fail while down is
// set, as a PostgreSQL restarting would make them.
type failingRecords struct {
	store.Store
	down atomic.Bool
}

var errDown = errors.New("store down")

func (f *failingRecords) AddRecords(ctx context.Context, rs ...cdr.Record) error {
	if f.down.Load() {
		return errDown
	}
	return f.Store.AddRecords(ctx, rs...)
}

// Records a write failed for are written once the store is back, in
// order; nothing is lost.
func TestPersisterKeepsRecordsWhileTheStoreIsDown(t *testing.T) {
	st := &failingRecords{Store: store.NewMemory()}
	st.down.Store(true)
	var mu sync.Mutex
	var errs []error
	p := NewPersister(st, func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() })
	defer p.Close()
	now := time.Now().UTC()
	for i := range 1500 { // over batchMax: the batch stays whole while it fails
		p.Record(cdr.Record{CallID: "c" + strconv.Itoa(i), Group: "6000", Outcome: "answered", Start: now, End: now, Legs: []cdr.Leg{}})
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(errs)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed write reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	st.down.Store(false)
	for {
		_, n, err := st.Records(context.Background(), store.RecordQuery{})
		if err == nil && n == 1500 {
			break
		}
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("%d records written after the store came back, want 1500", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, err := range errs {
		if !errors.Is(err, errDown) {
			t.Errorf("reported %v", err)
		}
	}
}

// hangingRecords is a real store whose record writes hang until release
// is closed, as a store that stopped answering would make them.
type hangingRecords struct {
	store.Store
	release chan struct{}
}

func (h *hangingRecords) AddRecords(ctx context.Context, rs ...cdr.Record) error {
	<-h.release
	return h.Store.AddRecords(ctx, rs...)
}

// While the store hangs, queueing never waits - past the queue's size
// too - and once it answers again every record is written.
func TestPersisterNeverBlocksOnAStuckStore(t *testing.T) {
	st := &hangingRecords{Store: store.NewMemory(), release: make(chan struct{})}
	p := NewPersister(st, func(err error) { t.Errorf("reported %v", err) })
	now := time.Now().UTC()
	const n = queueSize + 2*batchMax + 500
	queued := make(chan struct{})
	go func() {
		defer close(queued)
		for i := range n {
			p.Record(cdr.Record{CallID: "c" + strconv.Itoa(i), Group: "6000", Outcome: "answered", Start: now, End: now, Legs: []cdr.Leg{}})
		}
	}()
	select {
	case <-queued:
	case <-time.After(10 * time.Second):
		t.Fatal("queueing a record waited for the stuck store")
	}
	close(st.release)
	p.Close()
	if _, total, err := st.Records(context.Background(), store.RecordQuery{}); err != nil || total != n {
		t.Fatalf("%d records written (%v), want %d", total, err, n)
	}
}
