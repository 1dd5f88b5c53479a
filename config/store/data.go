package store

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/ringd/ringd/config"
)

// addObject decodes one stored object into d. Objects are added in id
// order within their kind. ext is the current number of the extension a
// sequential ring or criterion belongs to: the one in its stored JSON may
// predate a renumbering.
func (d *Data) addObject(kind Kind, id int64, doc []byte, ext string) error {
	var err error
	switch kind {
	case KindExtension:
		d.Extensions, err = appendDoc(d.Extensions, doc, func(v *config.Extension) { v.ID = id })
	case KindExtensionGroup:
		d.ExtensionGroups, err = appendDoc(d.ExtensionGroups, doc, func(v *config.ExtensionGroup) { v.ID = id })
	case KindRingGroup:
		// Over the defaults: a key added since the object was stored takes
		// its default (answered_elsewhere: true).
		d.RingGroups, err = appendDocOver(d.RingGroups, config.NewRingGroup(), doc, func(v *config.RingGroup) { v.ID = id })
	case KindSchedule:
		d.Schedules, err = appendDoc(d.Schedules, doc, func(v *config.Schedule) { v.ID = id })
	case KindSequentialRing:
		d.SequentialRings, err = appendDoc(d.SequentialRings, doc, func(v *config.SequentialRing) { v.ID, v.Extension = id, ext })
	case KindCriterion:
		d.Criteria, err = appendDoc(d.Criteria, doc, func(v *config.Criterion) { v.ID, v.Extension = id, ext })
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", kind, id, err)
	}
	return nil
}

func appendDoc[T any](list []T, doc []byte, fix func(*T)) ([]T, error) {
	var v T
	return appendDocOver(list, v, doc, fix)
}

// appendDocOver is appendDoc decoding over base.
func appendDocOver[T any](list []T, base T, doc []byte, fix func(*T)) ([]T, error) {
	v := base
	if err := json.Unmarshal(doc, &v); err != nil {
		return list, err
	}
	fix(&v)
	return append(list, v), nil
}

// Times are stored as Unix nanoseconds; times outside what that can hold
// (before 1678 or after 2262, and the zero time) are clamped, so they
// still sort and compare in the right order.
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

func toNanos(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func fromNanos(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// Page sizes of Records and MissedCalls.
const (
	defaultTop = 100
	maxTop     = 100
)

// pageSize turns a requested page size into the one served: 0 (or less)
// means defaultTop, and no page is larger than maxTop.
func pageSize(top int) int {
	if top <= 0 {
		return defaultTop
	}
	return min(top, maxTop)
}

// checkBinding rejects a binding without its key.
func checkBinding(b Binding) error {
	if b.Extension == "" || b.Contact == "" {
		return fmt.Errorf("store: a binding needs an extension and a contact: %w", ErrInvalid)
	}
	return nil
}
