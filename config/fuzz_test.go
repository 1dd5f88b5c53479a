package config

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse and, when they parse, to
// Compile: nothing may panic, and every failure is a non-empty Problems
// whose problems all say something.
func FuzzParse(f *testing.F) {
	f.Add(DemoYAML)
	f.Add([]byte(minimal))
	f.Add([]byte(manyMistakes))
	f.Add([]byte("a: &a\n  b: *a\n"))
	f.Add([]byte("ring_groups:\n  - &g { <<: *g }\n"))
	f.Add([]byte("---\n...\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err == nil {
			if c == nil {
				t.Fatal("nil Config without an error")
			}
			_, err = c.Compile(nil)
			_ = c.Listeners()
			_ = c.TrustedPrefixes()
		}
		if err == nil {
			return
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Fatalf("error %T %v is not a non-empty Problems", err, err)
		}
		for _, p := range ps {
			if p.Message == "" {
				t.Fatalf("empty message in %v", ps)
			}
		}
	})
}
