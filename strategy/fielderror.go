package strategy

import "strings"

// FieldError is one problem with a definition: the path of the field it is
// about, in the config file's terms, and what is wrong with it.
type FieldError struct {
	Path    string // "members[1].delay"; "" when the problem has no field
	Message string
}

// Error renders "path: message", or the message alone when Path is "".
func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// FieldErrors is every problem found in a definition, in the order found.
// It is the error NewGroup returns (and engine.Compile, with full paths);
// use errors.As to get it. Error renders one FieldError per line, and
// Unwrap lets errors.Is find a single one such as ErrNoMembers.
type FieldErrors []FieldError

// Error renders one "path: message" per line.
func (es FieldErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems one by one.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// add appends a problem at path.
func (es *FieldErrors) add(path, msg string) {
	*es = append(*es, FieldError{Path: path, Message: msg})
}
