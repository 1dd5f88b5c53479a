//go:build browser

package console

import (
	"sync"
	"testing"
)

// seen is what a browser reported that the console tests forbid: page
// errors and requests outside ringd (base), and how many requests it made.
// Each browser's watcher embeds it and fills it from its own events.
type seen struct {
	base    string
	mu      sync.Mutex
	errs    []string
	foreign []string
	reqs    int
}

// each hands every page error and every request outside ringd to its
// function.
func (s *seen) each(pageError, outside func(string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errs {
		pageError(e)
	}
	for _, u := range s.foreign {
		outside(u)
	}
}

// check fails the test for every page error and request outside ringd,
// and when no request was seen at all (listener: what should have seen
// them); it returns the requests seen.
func (s *seen) check(t *testing.T, listener string) int {
	t.Helper()
	s.each(func(e string) { t.Errorf("page error: %s", e) }, func(u string) { t.Errorf("request outside ringd: %s", u) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reqs == 0 {
		t.Errorf("no request seen: %s does not work", listener)
	}
	return s.reqs
}
