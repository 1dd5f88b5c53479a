package api

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// readObject reads a façade's request body: one JSON object of at most
// 1 MiB. Its problems are decode's (413 too large, 400 empty, malformed or
// more than one value) and 400 for a JSON value that is not an object.
// The façades' mapping functions take the raw object.
func readObject(w http.ResponseWriter, r *http.Request) ([]byte, *Problem) {
	var raw json.RawMessage
	if p := decode(w, r, &raw); p != nil {
		return nil, p
	}
	if raw[0] != '{' {
		return nil, problem(http.StatusBadRequest, "the body must be a JSON object")
	}
	return raw, nil
}

// checkShape decodes body strictly into v, a façade's body type, only to
// tell JSON-level mistakes (an unknown field, a value of the wrong JSON
// type: 400, named by the body type's json tags) from values the mapping
// or the checks refuse (422).
func checkShape(body []byte, v any) *Problem {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	return nil
}
