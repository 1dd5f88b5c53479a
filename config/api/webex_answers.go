package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config/api/compat"
)

// What the Webex handlers answer with: the body read and its JSON shape
// checked, the 422 naming Webex's fields, the 404 of an unknown workspace.

// noWorkspace is the 404 of an unknown workspace.
func noWorkspace(number string) *Problem {
	return problem(http.StatusNotFound, "no such workspace: "+number+" (a workspace id is an extension number)")
}

// webexInvalid is the 422 for a Webex body, or nil: the mapping's
// problems, then those of the native checks (renamed by
// compat.WebexField) about fields the mapping did not already name.
func webexInvalid(mapped []compat.FieldError, native []FieldError) *Problem {
	var errs []FieldError
	named := map[string]bool{}
	for _, e := range mapped {
		errs = append(errs, FieldError{Field: e.Field, Message: e.Message})
		named[e.Field] = true
	}
	for _, e := range native {
		field := compat.WebexField(e.Field)
		if named[field] {
			continue
		}
		msg := e.Message
		if strings.HasSuffix(strings.ToLower(field), "numberofrings") {
			msg += " (one ring is " + strconv.Itoa(compat.SecondsPerRing) + " s)"
		}
		errs = append(errs, FieldError{Field: field, Message: msg})
	}
	if len(errs) == 0 {
		return nil
	}
	return problem(http.StatusUnprocessableEntity, "validation failed", errs...)
}

// webexBody reads a Webex body and checks its JSON shape against v.
func webexBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, *Problem) {
	body, p := readObject(w, r)
	if p == nil {
		p = checkShape(body, v)
	}
	return body, p
}
