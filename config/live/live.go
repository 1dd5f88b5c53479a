// Package live owns ringd's running configuration: the config file's server
// settings merged with the routing objects of the store, the compiled
// routing snapshot, and the one path by which anything changes it (Mutate:
// validate, compile, persist, apply - or change nothing).
//
// It may import config, config/store, engine and engine/cdr; it must not
// import sip, cmd or the HTTP API (those call it).
package live

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
)

// ApplyFunc receives every new running configuration: cmd hands it to the
// SIP side, which routes new calls with it.
type ApplyFunc func(cfg *config.Config, snap *engine.Snapshot)

// Live is the running configuration. It is safe for concurrent use.
type Live struct {
	mu    sync.Mutex
	st    store.Store
	base  *config.Config // the file: server settings; its provisioning blocks are merged into data
	data  *store.Data
	cfg   *config.Config // base + data
	snap  *engine.Snapshot
	apply ApplyFunc
	// changed, when set, is told after each change this process made: the
	// store is shared with other nodes (SetShared).
	changed func()
}

// SetShared declares the store shared with other processes (the nodes of
// a cluster): a change starts from what the store holds now, and changed
// is called after each one this process makes, for the others to Refresh.
func (l *Live) SetShared(changed func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changed = changed
}

// Refresh reads the routing objects from the store again - another node
// changed them - and applies them. An invalid result changes nothing.
func (l *Live) Refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	data, err := l.st.Load(ctx)
	if err != nil {
		return err
	}
	cfg, snap, err := l.compose(l.base, data)
	if err != nil {
		return err
	}
	l.data, l.cfg, l.snap = data, cfg, snap
	l.apply(cfg, snap)
	return nil
}

// Invalid is the error of a change that would make the configuration
// invalid: nothing was changed. Problems carry the paths of the whole
// configuration (ring_groups[3].members[0].extension).
type Invalid struct {
	Problems config.Problems
}

func (e *Invalid) Error() string { return "invalid configuration:\n" + e.Problems.Error() }

// Open loads the store, upserts the file's provisioning blocks into it
// (objects keep their ID when their number or name already exists), and
// compiles the result. apply receives the first configuration before Open
// returns, and every later one.
func Open(ctx context.Context, st store.Store, file *config.Config, apply ApplyFunc) (*Live, error) {
	data, err := st.Load(ctx)
	if err != nil {
		return nil, err
	}
	l := &Live{st: st, data: data, apply: apply}
	if err := l.reload(ctx, file); err != nil {
		return nil, err
	}
	return l, nil
}

// Reload takes a new config file (SIGHUP): new server settings, and its
// provisioning blocks upserted again. An invalid result changes nothing.
func (l *Live) Reload(ctx context.Context, file *config.Config) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.reload(ctx, file)
	if err == nil && l.changed != nil {
		l.changed()
	}
	return err
}

func (l *Live) reload(ctx context.Context, file *config.Config) error {
	data := clone(l.data)
	changes := provision(data, file)
	base := *file
	cfg, snap, err := l.compose(&base, data)
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		if err := l.st.Apply(ctx, changes...); err != nil {
			return err
		}
	}
	l.base, l.data, l.cfg, l.snap = &base, data, cfg, snap
	l.apply(cfg, snap)
	return nil
}

// compose merges the routing objects into the file's settings and
// compiles them, keeping the IDs of the running snapshot.
func (l *Live) compose(base *config.Config, data *store.Data) (*config.Config, *engine.Snapshot, error) {
	cfg := *base
	cfg.Extensions = data.Extensions
	cfg.ExtensionGroups = data.ExtensionGroups
	cfg.RingGroups = data.RingGroups
	cfg.Schedules = data.Schedules
	cfg.SequentialRings = data.SequentialRings
	cfg.Criteria = data.Criteria
	snap, err := cfg.Compile(l.snap)
	if err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			return nil, nil, &Invalid{Problems: ps}
		}
		return nil, nil, err
	}
	return &cfg, snap, nil
}

// Mutate is the one way to change routing objects. fn edits a copy of the
// data and returns the changes to persist (with IDs assigned, see NextID).
// The result is validated and compiled; only if that succeeds is it
// written to the store and applied to new calls. Any error leaves
// everything as it was: an *Invalid, fn's own error, or the store's.
func (l *Live) Mutate(ctx context.Context, fn func(d *store.Data) ([]store.Change, error)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	data := clone(l.data)
	if l.changed != nil { // shared: start from what the store holds now
		fresh, err := l.st.Load(ctx)
		if err != nil {
			return err
		}
		data = fresh
	}
	changes, err := fn(data)
	if err != nil {
		return err
	}
	cfg, snap, err := l.compose(l.base, data)
	if err != nil {
		return err
	}
	if err := l.st.Apply(ctx, changes...); err != nil {
		return err
	}
	l.data, l.cfg, l.snap = data, cfg, snap
	l.apply(cfg, snap)
	if l.changed != nil {
		l.changed()
	}
	return nil
}

// Read calls fn with the current data and configuration. fn must not keep
// or modify them.
func (l *Live) Read(fn func(d *store.Data, cfg *config.Config)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(l.data, l.cfg)
}

// Store is the store behind the configuration (records, bindings).
func (l *Live) Store() store.Store { return l.st }

// Snapshot is the running routing snapshot.
func (l *Live) Snapshot() *engine.Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.snap
}

// clone deep-copies the data: Mutate edits a copy, never the running one.
func clone(d *store.Data) *store.Data {
	b, err := json.Marshal(d)
	if err != nil {
		panic("live: data does not marshal: " + err.Error())
	}
	out := &store.Data{}
	if err := json.Unmarshal(b, out); err != nil {
		panic("live: data does not unmarshal: " + err.Error())
	}
	return out
}
