package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// simpleFailure turns a Mutate error into a problem: the handler's own
// problem, 422 for an invalid configuration (full paths), 409 for a store
// conflict, 500 for a store that failed.
func simpleFailure(err error) *Problem {
	var p *Problem
	var inv *live.Invalid
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &inv):
		return invalidProblem(inv, "")
	case errors.Is(err, store.ErrConflict):
		return problem(http.StatusConflict, err.Error())
	case errors.Is(err, context.Canceled):
		return problem(http.StatusServiceUnavailable, "request cancelled")
	}
	return problem(http.StatusInternalServerError, "the store failed: "+err.Error())
}

// invalidProblem lists the problems of an invalid configuration as bad
// fields, the object's own without prefix.
func invalidProblem(inv *live.Invalid, prefix string) *Problem {
	errs := make([]FieldError, 0, len(inv.Problems))
	for _, pr := range inv.Problems {
		field := pr.Path
		if prefix != "" {
			field = strings.TrimPrefix(field, prefix)
		}
		errs = append(errs, FieldError{Field: field, Message: pr.Message})
	}
	return problem(http.StatusUnprocessableEntity, "validation failed", errs...)
}
