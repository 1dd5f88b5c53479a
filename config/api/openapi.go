package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/engine/cdr"
)

// schemaTypes are the named schemas of the OpenAPI document.
var schemaTypes = map[string]reflect.Type{
	"RingGroup":      reflect.TypeFor[config.RingGroup](),
	"Member":         reflect.TypeFor[config.Member](),
	"Destination":    reflect.TypeFor[config.Destination](),
	"Extension":      reflect.TypeFor[config.Extension](),
	"ExtensionGroup": reflect.TypeFor[config.ExtensionGroup](),
	"Schedule":       reflect.TypeFor[config.Schedule](),
	"SequentialRing": reflect.TypeFor[config.SequentialRing](),
	"SeqNumber":      reflect.TypeFor[config.SeqNumber](),
	"Criterion":      reflect.TypeFor[config.Criterion](),
	"CDR":            reflect.TypeFor[cdr.Record](),
	"CDRLeg":         reflect.TypeFor[cdr.Leg](),
	"CallView":       reflect.TypeFor[cdr.LiveCall](),
	"Registration":   reflect.TypeFor[Registration](),
	"Problem":        reflect.TypeFor[Problem](),
	"FieldError":     reflect.TypeFor[FieldError](),

	// The façades' bodies.
	"YeastarRingGroup":      reflect.TypeFor[compat.YeastarRingGroup](),
	"YeastarMember":         reflect.TypeFor[compat.YeastarMember](),
	"YeastarRingGroupInfo":  reflect.TypeFor[compat.YeastarRingGroupInfo](),
	"YeastarTokenRequest":   reflect.TypeFor[compat.YeastarTokenRequest](),
	"WebexCriterion":        reflect.TypeFor[compat.WebexCriterion](),
	"WebexCriterionSummary": reflect.TypeFor[compat.WebexCriterionSummary](),
	"WebexSequentialRing":   reflect.TypeFor[compat.WebexSequentialRing](),
	"WebexSequentialNumber": reflect.TypeFor[compat.WebexSequentialNumber](),
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// openAPI serves the OpenAPI 3 document of every registered route.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.document())
}

func (s *Server) document() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		op := map[string]any{"summary": rt.summary, "responses": responses(rt)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.request != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.request)}}}
		}
		if !rt.public {
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"access_token": []any{}}}
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	schemas := map[string]any{
		"List":    map[string]any{"type": "object", "properties": map[string]any{"count": map[string]any{"type": "integer"}, "items": map[string]any{"type": "array", "items": map[string]any{}}}},
		"Created": map[string]any{"type": "object", "properties": map[string]any{"id": map[string]any{"type": "integer"}}},
	}
	for name, t := range schemaTypes {
		schemas[name] = schemaOf(t)
	}
	extensionPassword.schema(schemas["Extension"].(map[string]any))
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "ringd admin API", "version": "1", "description": "SPEC §8: native /api/v1 and PBX compatibility façades"},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":       map[string]any{"type": "http", "scheme": "bearer"},
				"access_token": map[string]any{"type": "apiKey", "in": "query", "name": "access_token"},
			},
		},
	}
}

func ref(name string) map[string]any {
	if name == "object" {
		return map[string]any{"type": "object"}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func responses(rt route) map[string]any {
	ok := "200"
	switch {
	case rt.method == "POST" && rt.response == "Created":
		ok = "201"
	case rt.method == "DELETE" && rt.response == "":
		ok = "204"
	}
	out := map[string]any{}
	switch rt.response {
	case "":
		out[ok] = map[string]any{"description": "done"}
	case "CSV": // text, not a schema (GET /api/v1/cdr.csv)
		out[ok] = map[string]any{"description": "success", "content": map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}}
	default:
		out[ok] = map[string]any{"description": "success", "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.response)}}}
	}
	prob := map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}
	if !rt.public {
		out["401"] = map[string]any{"description": "no or bad token", "content": prob}
	}
	if rt.request != "" {
		out["400"] = map[string]any{"description": "malformed JSON or unknown field", "content": prob}
		out["413"] = map[string]any{"description": "body larger than 1 MiB", "content": prob}
		out["422"] = map[string]any{"description": "validation failed", "content": prob}
	}
	if strings.Contains(rt.path, "{") {
		out["404"] = map[string]any{"description": "unknown id", "content": prob}
	}
	if rt.method == "POST" || rt.method == "PUT" || rt.method == "DELETE" {
		out["409"] = map[string]any{"description": "duplicate number, or still referenced", "content": prob}
	}
	return out
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawJSONType = reflect.TypeFor[json.RawMessage]() // a field that takes any JSON (Yeastar's sub_option)
)

// schemaOf describes a Go type as a JSON schema, by its json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t == rawJSONType {
		return map[string]any{"description": "any JSON value"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32, reflect.Uint64, reflect.Uint8:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.Struct:
		props := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = fieldSchema(f.Type)
		}
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

// fieldSchema refers to named schemas for nested named types.
func fieldSchema(t reflect.Type) map[string]any {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.Slice && base != rawJSONType {
		return map[string]any{"type": "array", "items": fieldSchema(base.Elem())}
	}
	for name, st := range schemaTypes {
		if st == base {
			return ref(name)
		}
	}
	return schemaOf(t)
}
