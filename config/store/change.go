package store

import (
	"encoding/json"
	"fmt"

	"github.com/ringd/ringd/config"
)

// kindInfo says where a kind is stored and what its unique key is.
type kindInfo struct {
	table  string // SQL table
	keyOf  string // what the unique key is called in errors; "" when the kind has none
	extRef bool   // the object belongs to an extension (by number)
}

var kindInfos = map[Kind]kindInfo{
	KindExtension:      {table: "extensions", keyOf: "number"},
	KindExtensionGroup: {table: "extension_groups", keyOf: "name"},
	KindRingGroup:      {table: "ring_groups", keyOf: "number"},
	KindSchedule:       {table: "schedules", keyOf: "name"},
	KindSequentialRing: {table: "sequential_rings", extRef: true},
	KindCriterion:      {table: "criteria", extRef: true},
}

// write is a Change checked and encoded, the same for every Store.
type write struct {
	kind Kind
	id   int64
	key  string // unique key of a keyed kind
	ext  string // number of the extension a sequential ring or criterion belongs to
	doc  []byte // the object as JSON; nil deletes
}

// prepare checks a Change and encodes its Doc.
func prepare(c Change) (write, error) {
	w := write{kind: c.Kind, id: c.ID}
	info, ok := kindInfos[c.Kind]
	if !ok {
		return w, fmt.Errorf("store: unknown kind %q: %w", c.Kind, ErrInvalid)
	}
	if c.ID <= 0 {
		return w, fmt.Errorf("store: %s id %d: ids are positive: %w", c.Kind, c.ID, ErrInvalid)
	}
	if c.Doc == nil {
		return w, nil
	}
	obj, docID, key, ext, ok := fieldsOf(c.Kind, c.Doc)
	w.key, w.ext = key, ext
	switch {
	case !ok:
		return w, fmt.Errorf("store: %s %d: Doc is a %T: %w", c.Kind, c.ID, c.Doc, ErrInvalid)
	case docID != c.ID:
		return w, fmt.Errorf("store: %s %d: Doc has id %d: %w", c.Kind, c.ID, docID, ErrInvalid)
	case info.keyOf != "" && w.key == "":
		return w, fmt.Errorf("store: %s %d: empty %s: %w", c.Kind, c.ID, info.keyOf, ErrInvalid)
	case info.extRef && w.ext == "":
		return w, fmt.Errorf("store: %s %d: no extension: %w", c.Kind, c.ID, ErrInvalid)
	}
	doc, err := json.Marshal(obj)
	if err != nil {
		return w, fmt.Errorf("store: %s %d: %w", c.Kind, c.ID, err)
	}
	w.doc = doc
	return w, nil
}

// prepareAll prepares every change, stopping at the first bad one.
func prepareAll(changes []Change) ([]write, error) {
	ws := make([]write, len(changes))
	for i, c := range changes {
		w, err := prepare(c)
		if err != nil {
			return nil, err
		}
		ws[i] = w
	}
	return ws, nil
}

// fieldsOf returns doc as the object type of kind, with its id and its
// unique key or extension number; ok is false if doc is of another type.
func fieldsOf(kind Kind, doc any) (obj any, id int64, key, ext string, ok bool) {
	switch kind {
	case KindExtension:
		if v, ok := as[config.Extension](doc); ok {
			return v, v.ID, v.Number, "", true
		}
	case KindExtensionGroup:
		if v, ok := as[config.ExtensionGroup](doc); ok {
			return v, v.ID, v.Name, "", true
		}
	case KindRingGroup:
		if v, ok := as[config.RingGroup](doc); ok {
			return v, v.ID, v.Number, "", true
		}
	case KindSchedule:
		if v, ok := as[config.Schedule](doc); ok {
			return v, v.ID, v.Name, "", true
		}
	case KindSequentialRing:
		if v, ok := as[config.SequentialRing](doc); ok {
			return v, v.ID, "", v.Extension, true
		}
	case KindCriterion:
		if v, ok := as[config.Criterion](doc); ok {
			return v, v.ID, "", v.Extension, true
		}
	}
	return nil, 0, "", "", false
}

// as accepts an object by value or by non-nil pointer.
func as[T any](doc any) (T, bool) {
	switch v := doc.(type) {
	case T:
		return v, true
	case *T:
		if v != nil {
			return *v, true
		}
	}
	var zero T
	return zero, false
}

// conflictError reports that w's unique key is taken by the object other.
func conflictError(w write, other int64) error {
	if w.kind == KindSequentialRing {
		return fmt.Errorf("store: sequential_ring %d: extension %q already has sequential_ring %d: %w",
			w.id, w.ext, other, ErrConflict)
	}
	return fmt.Errorf("store: %s %d: %s %q is taken by %s %d: %w",
		w.kind, w.id, kindInfos[w.kind].keyOf, w.key, w.kind, other, ErrConflict)
}

// missingExtensionError reports that w belongs to an extension that does not exist.
func missingExtensionError(w write) error {
	return fmt.Errorf("store: %s %d: extension %q: %w", w.kind, w.id, w.ext, ErrNotFound)
}
