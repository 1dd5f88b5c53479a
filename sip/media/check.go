package media

import (
	"os"
	"sync"
	"time"
)

// Check reports whether the prompt name would load from dir by the rules
// of Load: nil, or an error whose message starts with the file's path.
// An empty name is fine. Config validation calls it for every prompt it
// names, at start and at each reload: the result is cached per file with
// its size and modification time, so checking an unchanged file again
// costs one stat.
//
// Check is a package function (not a Library method) because the
// configuration is validated before any Library exists; the cache is
// package-wide and safe for concurrent use.
func Check(dir, name string) error {
	if name == "" {
		return nil
	}
	path, err := promptPath(dir, name)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return pathFirst(err)
	}
	if r, ok := checks.get(path, st); ok {
		return r.err
	}
	_, err = LoadPrompt(path)
	if err != nil {
		err = pathFirst(err)
	}
	checks.put(path, st, err)
	return err
}

// maxChecks bounds the check cache; past it the cache starts over.
const maxChecks = 1024

// checkCache remembers the outcome of checking a file.
type checkCache struct {
	mu sync.Mutex
	m  map[string]checkResult
}

type checkResult struct {
	size int64
	mod  time.Time
	err  error
}

var checks checkCache

func (c *checkCache) get(path string, st os.FileInfo) (checkResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[path]
	if !ok || r.size != st.Size() || !r.mod.Equal(st.ModTime()) {
		return checkResult{}, false
	}
	return r, true
}

func (c *checkCache) put(path string, st os.FileInfo, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxChecks {
		c.m = make(map[string]checkResult)
	}
	c.m[path] = checkResult{size: st.Size(), mod: st.ModTime(), err: err}
}
