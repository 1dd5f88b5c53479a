package engine

import "github.com/ringd/ringd/strategy"

// FieldError is one problem Compile found: its path in the config file's
// terms ("ring_groups[0].members[1].extension") and what is wrong there. It
// is strategy's type, so a group's problems carry over with their path put
// under the group's.
type FieldError = strategy.FieldError

// FieldErrors is every problem Compile found, in the order found. Compile
// returns it as its error; use errors.As to get it.
type FieldErrors = strategy.FieldErrors
