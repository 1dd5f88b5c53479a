package engine

import "strconv"

// compiler is one run of Compile: the spec, the previous snapshot whose
// IDs it keeps, the snapshot it builds and every problem found.
type compiler struct {
	spec *Spec
	prev *Snapshot
	s    *Snapshot
	errs FieldErrors
}

func (c *compiler) fail(path, msg string) {
	c.errs = append(c.errs, FieldError{Path: path, Message: msg})
}

func index(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

// under puts a path relative to at below it.
func under(at, path string) string {
	if path == "" {
		return at
	}
	return at + "." + path
}
