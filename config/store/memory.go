package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// memory is the in-memory Store: the same rules as SQLite (unique keys,
// references to extensions, cascades, atomic Apply), nothing kept on Close.
// Objects and records are held as JSON, as SQLite holds them, so callers
// never share memory with the store and both stores return the same values.
type memory struct {
	mu       sync.Mutex
	closed   bool
	objects  objectSet
	bindings map[bindingKey]Binding
	bans     map[string]Ban
	records  []memRecord // in id order; id = index+1
	missed   []memMissed // in id order
}

// objectSet holds the routing objects, by kind and id.
type objectSet map[Kind]map[int64]memObject

type memObject struct {
	key string // unique key of a keyed kind
	ext int64  // id of the extension a sequential ring or criterion belongs to
	doc []byte
}

type bindingKey struct{ extension, contact string }

type memRecord struct {
	callID, group, outcome, caller string
	start                          int64
	doc                            []byte
}

type memMissed struct {
	record    int64 // id of the record
	extension string
	at        int64
}

// NewMemory returns an empty in-memory Store.
func NewMemory() Store {
	m := &memory{objects: objectSet{}, bindings: map[bindingKey]Binding{}, bans: map[string]Ban{}}
	for _, k := range Kinds {
		m.objects[k] = map[int64]memObject{}
	}
	return m
}

// lock locks m, or says it is closed (and leaves it unlocked).
func (m *memory) lock() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return errClosed
	}
	return nil
}

func (m *memory) Ping(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	return nil
}

func (m *memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

func (m *memory) Load(ctx context.Context) (*Data, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	d := &Data{}
	exts := m.objects[KindExtension]
	for _, k := range Kinds {
		objs := m.objects[k]
		ids := make([]int64, 0, len(objs))
		for id := range objs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			o := objs[id]
			if err := d.addObject(k, id, o.doc, exts[o.ext].key); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// Apply works on a copy of the object set and keeps it only if every
// change succeeds.
func (m *memory) Apply(ctx context.Context, changes ...Change) error {
	ws, err := prepareAll(changes)
	if err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	next := make(objectSet, len(m.objects))
	for k, objs := range m.objects {
		next[k] = maps.Clone(objs)
	}
	for _, w := range ws {
		if err := next.write(w); err != nil {
			return err
		}
	}
	m.objects = next
	return nil
}

// write applies one change, with the checks and cascades of the SQL schema.
func (s objectSet) write(w write) error {
	objs := s[w.kind]
	if w.doc == nil {
		delete(objs, w.id)
		if w.kind == KindExtension {
			for _, k := range []Kind{KindSequentialRing, KindCriterion} {
				maps.DeleteFunc(s[k], func(_ int64, o memObject) bool { return o.ext == w.id })
			}
		}
		return nil
	}
	o := memObject{key: w.key, doc: w.doc}
	if kindInfos[w.kind].extRef {
		o.ext = s.idOf(KindExtension, w.ext)
		if o.ext == 0 {
			return missingExtensionError(w)
		}
	}
	for id, other := range objs {
		if id == w.id {
			continue
		}
		if (w.kind == KindSequentialRing && other.ext == o.ext) || (w.key != "" && other.key == w.key) {
			return conflictError(w, id)
		}
	}
	objs[w.id] = o
	return nil
}

// idOf returns the id of the object of kind with key, or 0.
func (s objectSet) idOf(kind Kind, key string) int64 {
	for id, o := range s[kind] {
		if o.key == key {
			return id
		}
	}
	return 0
}

func (m *memory) SaveBinding(ctx context.Context, b Binding) error {
	if err := checkBinding(b); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	b.Expires = fromNanos(toNanos(b.Expires))
	m.bindings[bindingKey{b.Extension, b.Contact}] = b
	return nil
}

func (m *memory) DeleteBinding(ctx context.Context, extension, contact string) error {
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.bindings, bindingKey{extension, contact})
	return nil
}

// Bindings drops the expired bindings and returns the others, by
// extension and contact.
func (m *memory) Bindings(ctx context.Context, now time.Time) ([]Binding, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := make([]Binding, 0, len(m.bindings))
	for k, b := range m.bindings {
		if toNanos(b.Expires) <= toNanos(now) {
			delete(m.bindings, k)
			continue
		}
		out = append(out, b)
	}
	slices.SortFunc(out, compareBindings)
	return out, nil
}

func compareBindings(a, b Binding) int {
	if c := strings.Compare(a.Extension, b.Extension); c != 0 {
		return c
	}
	return strings.Compare(a.Contact, b.Contact)
}
