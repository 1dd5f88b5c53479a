package store

import (
	"context"
	"slices"
	"time"
)

// SaveBan keeps a ban, or moves its end when the source has one already
// (the later end wins).
func (m *memory) SaveBan(ctx context.Context, b Ban) error {
	if err := checkBan(b); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	b.Until = fromNanos(toNanos(b.Until))
	if old, ok := m.bans[b.Source]; ok && old.Until.After(b.Until) {
		b.Until = old.Until
	}
	m.bans[b.Source] = b
	return nil
}

func (m *memory) DeleteBan(ctx context.Context, source string) error {
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.bans, source)
	return nil
}

// Bans drops the bans over at now and returns the others, soonest over
// first.
func (m *memory) Bans(ctx context.Context, now time.Time) ([]Ban, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := make([]Ban, 0, len(m.bans))
	for k, b := range m.bans {
		if toNanos(b.Until) <= toNanos(now) {
			delete(m.bans, k)
			continue
		}
		out = append(out, b)
	}
	slices.SortFunc(out, compareBans)
	return out, nil
}
