package store

import "errors"

// Errors that Apply and the other writes wrap, for errors.Is.
var (
	// ErrConflict: a unique key (extension number, group name, ring-group
	// number, schedule name, an extension's one sequential ring) is taken
	// by another object.
	ErrConflict = errors.New("conflict")
	// ErrNotFound: an object refers to an extension that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: a Change or Binding the store cannot take as it is
	// (unknown kind, Doc of the wrong type, IDs that disagree, empty key).
	// It points at a bug in the caller rather than at bad user input,
	// which the config and API layers validate before they get here.
	ErrInvalid = errors.New("invalid")
)

// errClosed is returned by a memory store used after Close.
var errClosed = errors.New("store: closed")
