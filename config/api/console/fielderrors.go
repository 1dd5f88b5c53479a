package console

import (
	"slices"
	"strings"
)

// formErrors is an API refusal sorted for a form: messages by the form's
// field, and those about no field of the form.
type formErrors struct {
	Errors map[string]string
	Other  []string
}

// sortErrors sorts a problem's field errors by the form's fields. An error
// inside a field (members[1].delay, numbers[0].ring_time) goes to its top
// field with its path; place, when not nil, may take it first (a row of a
// table) and reports whether it did, or rewrite its message. A problem
// without field errors is one message of Other.
func sortErrors(p *apiError, fields []string, place func(field, msg string) (string, bool)) formErrors {
	out := formErrors{Errors: map[string]string{}}
	for _, e := range p.Errors {
		top, msg := e.Field, e.Message
		if i := strings.IndexAny(top, "[."); i >= 0 {
			top, msg = top[:i], e.Field+": "+e.Message
		}
		if place != nil {
			m, taken := place(e.Field, e.Message)
			if taken {
				continue
			}
			if m != "" {
				msg = m
			}
		}
		if !slices.Contains(fields, top) {
			out.Other = append(out.Other, e.Field+": "+e.Message)
			continue
		}
		if out.Errors[top] != "" {
			out.Errors[top] += "; "
		}
		out.Errors[top] += msg
	}
	if len(p.Errors) == 0 {
		out.Other = append(out.Other, p.Error())
	}
	return out
}
