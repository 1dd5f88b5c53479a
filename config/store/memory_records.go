package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ringd/ringd/engine/cdr"
)

func (m *memory) AddRecords(ctx context.Context, records ...cdr.Record) error {
	docs := make([][]byte, len(records))
	for i, r := range records {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("store: record %q: %w", r.CallID, err)
		}
		docs[i] = doc
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	for i, r := range records {
		id := int64(len(m.records) + 1)
		start := toNanos(r.Start)
		m.records = append(m.records, memRecord{
			callID: r.CallID, group: r.Group, outcome: r.Outcome, caller: r.Caller,
			start: start, doc: docs[i],
		})
		for _, ext := range r.Missed {
			m.missed = append(m.missed, memMissed{record: id, extension: ext, at: start})
		}
	}
	return nil
}

func (m *memory) Records(ctx context.Context, q RecordQuery) ([]cdr.Record, int, error) {
	if err := m.lock(); err != nil {
		return nil, 0, err
	}
	defer m.mu.Unlock()
	since, until := toNanos(q.Since), toNanos(q.Until)
	var match []*memRecord // newest id first
	for i := len(m.records) - 1; i >= 0; i-- {
		r := &m.records[i]
		if (q.Group == "" || r.group == q.Group) &&
			(q.Outcome == "" || r.outcome == q.Outcome) &&
			(q.Since.IsZero() || r.start >= since) &&
			(q.Until.IsZero() || r.start < until) {
			match = append(match, r)
		}
	}
	slices.SortStableFunc(match, func(a, b *memRecord) int { return cmp.Compare(b.start, a.start) })
	skip := min(max(q.Skip, 0), len(match))
	page := match[skip:min(skip+pageSize(q.Top), len(match))]
	out := make([]cdr.Record, 0, len(page))
	for _, r := range page {
		var c cdr.Record
		if err := json.Unmarshal(r.doc, &c); err != nil {
			return nil, 0, fmt.Errorf("store: record %q: %w", r.callID, err)
		}
		out = append(out, c)
	}
	return out, len(match), nil
}

func (m *memory) MissedCalls(ctx context.Context, extension string, top int) ([]MissedCall, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var match []*memMissed // newest id first
	for i := len(m.missed) - 1; i >= 0; i-- {
		if m.missed[i].extension == extension {
			match = append(match, &m.missed[i])
		}
	}
	slices.SortStableFunc(match, func(a, b *memMissed) int { return cmp.Compare(b.at, a.at) })
	match = match[:min(pageSize(top), len(match))]
	out := make([]MissedCall, 0, len(match))
	for _, mc := range match {
		r := &m.records[mc.record-1]
		out = append(out, MissedCall{
			Extension: mc.extension, CallID: r.callID, Group: r.group, Caller: r.caller,
			At: fromNanos(mc.at),
		})
	}
	return out, nil
}
