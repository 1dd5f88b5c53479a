package media

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Library is a set of prompts under one directory, by the name the config
// uses: a path relative to the directory, e.g. "welcome.wav" or
// "sales/welcome.wav". A Library does not change once loaded, so any
// number of goroutines may call Get; a nil Library has no prompts.
type Library struct {
	dir     string
	prompts map[string]*libEntry
}

// libEntry is a loaded prompt and the file state it was loaded from.
type libEntry struct {
	path string
	size int64
	mod  time.Time
	p    *Prompt
}

// Load loads the named prompts from dir. An empty name is ignored; an
// absolute name or one that leaves dir ("../x.wav") is an error naming it.
//
// prev (may be nil) is an earlier Library: a file whose path, size and
// modification time are unchanged is reused from it, not decoded again.
// (A file rewritten with the same size within the file system's time
// resolution is therefore not seen as changed.)
//
// Load returns the library of every prompt that loaded, never nil, and
// one error per bad name joined with errors.Join; each message starts
// with the file's path.
func Load(dir string, names []string, prev *Library) (*Library, error) {
	l := &Library{dir: dir, prompts: make(map[string]*libEntry, len(names))}
	var errs []error
	for _, name := range names {
		if name == "" {
			continue
		}
		if _, done := l.prompts[name]; done {
			continue
		}
		e, err := loadEntry(dir, name, prev.entry(name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l.prompts[name] = e
	}
	return l, errors.Join(errs...)
}

// Get is the prompt loaded under name, or nil.
func (l *Library) Get(name string) *Prompt {
	if e := l.entry(name); e != nil {
		return e.p
	}
	return nil
}

// Dir is the directory the library was loaded from.
func (l *Library) Dir() string {
	if l == nil {
		return ""
	}
	return l.dir
}

func (l *Library) entry(name string) *libEntry {
	if l == nil {
		return nil
	}
	return l.prompts[name]
}

// loadEntry loads name under dir, reusing old when the file is unchanged.
func loadEntry(dir, name string, old *libEntry) (*libEntry, error) {
	path, err := promptPath(dir, name)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, pathFirst(err)
	}
	if old != nil && old.path == path && old.size == st.Size() && old.mod.Equal(st.ModTime()) {
		return old, nil
	}
	p, err := LoadPrompt(path)
	if err != nil {
		return nil, pathFirst(err)
	}
	return &libEntry{path: path, size: st.Size(), mod: st.ModTime(), p: p}, nil
}

// promptPath is the file of name under dir; name must be a relative path
// that stays inside dir.
func promptPath(dir, name string) (string, error) {
	if filepath.IsAbs(name) {
		return "", fmt.Errorf("%s: absolute path, want a name relative to the prompt directory %s", name, dir)
	}
	if !filepath.IsLocal(name) {
		shown := name
		if dir != "" {
			shown = strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator) + name
		}
		return "", fmt.Errorf("%s: outside the prompt directory %s", shown, dir)
	}
	return filepath.Join(dir, name), nil
}

// pathFirst rewrites an os error "open x: reason" as "x: reason", so that
// every library error starts with the file's path; errors.Is still sees
// the cause (fs.ErrNotExist...).
func pathFirst(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
