package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxBody is the largest request body accepted (SPEC §8: 413 above 1 MiB).
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields. Its errors are
// problems: 413 for a body too large, 400 naming the field otherwise.
func decode(w http.ResponseWriter, r *http.Request, v any) *Problem {
	body := http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem(http.StatusBadRequest, "the body holds more than one JSON value")
	}
	return nil
}

func decodeProblem(err error) *Problem {
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return problem(http.StatusRequestEntityTooLarge, "the body is larger than 1 MiB")
	case errors.Is(err, io.EOF):
		return problem(http.StatusBadRequest, "the body is empty; a JSON object is required")
	case errors.As(err, &syntax):
		return problem(http.StatusBadRequest, "malformed JSON at byte "+strconv.FormatInt(syntax.Offset, 10))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return problem(http.StatusBadRequest, "wrong type", FieldError{Field: field, Message: "must be " + typ.Type.String() + ", got a JSON " + typ.Value})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return problem(http.StatusBadRequest, "unknown field", FieldError{Field: name, Message: "unknown field"})
	}
	return problem(http.StatusBadRequest, "malformed JSON: "+err.Error())
}
