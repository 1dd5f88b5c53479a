package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// decodeOnto decodes the JSON object body onto dst, strictly: an unknown
// key, a value of the wrong JSON type or anything but one object is a
// FieldError (field "" for the body as a whole). Keys absent from body
// leave dst as it was, which is how partial updates work; a list present
// in body replaces the one in dst. lists names dst's list fields by their
// JSON key and gives a function that empties them.
func decodeOnto(body []byte, dst any, lists map[string]func()) []FieldError {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil || keys == nil {
		return []FieldError{{Field: "", Message: "the body must be a JSON object"}}
	}
	for k, clear := range lists {
		if _, ok := keys[k]; ok {
			clear() // decoding into a used slice would merge old elements
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return []FieldError{jsonFieldError(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return []FieldError{{Field: "", Message: "unexpected data after the JSON object"}}
	}
	return nil
}

// jsonFieldError names the field a json decoding error is about.
func jsonFieldError(err error) FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return FieldError{Field: te.Field, Message: "must be a JSON " + jsonKind(te.Type.Kind().String()) + ", got " + te.Value}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return FieldError{Field: strings.Trim(name, `"`), Message: "unknown field"}
	}
	return FieldError{Field: "", Message: "malformed JSON: " + strings.TrimPrefix(msg, "json: ")}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	default:
		return "number"
	}
}
