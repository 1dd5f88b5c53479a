package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// writeOnly is a field of a resource that writes set and reads never show
// (the SIP password of an extension): reads show instead whether it is
// set, and a write that leaves it out or empty keeps the value the object
// has, so that a client may PUT back what it read.
type writeOnly[T any] struct {
	field string // its JSON name: "password"
	shown string // the read-only flag reads show instead: "has_password"
	get   func(T) string
	set   func(*T, string)
}

// view is the JSON object reads show of v.
func (wo *writeOnly[T]) view(v T) map[string]any {
	m := asMaps([]T{v})[0]
	delete(m, wo.field)
	m[wo.shown] = wo.get(v) != ""
	return m
}

// keep gives v the old object's value when the write left it out.
func (wo *writeOnly[T]) keep(old T, v *T) {
	if wo.get(*v) == "" {
		wo.set(v, wo.get(old))
	}
}

// schema marks the field write-only and adds the flag, read-only, to the
// OpenAPI schema of the resource.
func (wo *writeOnly[T]) schema(s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		return
	}
	if p, ok := props[wo.field].(map[string]any); ok {
		p["writeOnly"] = true
	}
	props[wo.shown] = map[string]any{"type": "boolean", "readOnly": true}
}

// decodeWithout is decode for a body that may hold a read-only field as a
// read gave it (has_password): the field is left out, and every other
// field is judged as decode does.
func decodeWithout(w http.ResponseWriter, r *http.Request, v any, field string) *Problem {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return decodeProblem(err)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		if _, ok := obj[field]; ok {
			delete(obj, field)
			body, _ = json.Marshal(obj)
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decode(w, r, v)
}
