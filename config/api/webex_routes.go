package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/store"
)

// The Webex façade (SPEC §8): a workspace's sequential ring and its
// criteria, with camelCase bodies (compat's Webex mapping). The workspace
// id is the extension number. Webex clients read the HTTP status, so
// errors are the API's problem documents, naming Webex's fields: 400 for
// malformed JSON, an unknown field or a value of the wrong JSON type, 401
// without a valid token, 404 for an unknown workspace or criterion, 413
// above 1 MiB, 422 for values the mapping or the native checks
// (checkCriterion, checkSequentialRing) refuse. Successes are Webex's:
// 201 {"id": "N"} for a new criterion, 204 for PUT and DELETE, 200 with
// the body for GET. GET .../criteria (all of a workspace's criteria, as
// {"criteria": [...]}) is ringd's addition.
//
// The path parameters are named like the native API's, {number} for the
// workspace and {id} for the criterion (SPEC §8 writes {id} and
// {criteriaId}; the names are not part of the URL a client sends). That
// keeps /openapi.json valid - its path-parameter pattern takes lowercase
// names only - and lets DELETE be the native handler.
func (s *Server) webexRoutes() {
	base := "/v1/telephony/config/workspaces/{number}/sequentialRing"
	s.handle("GET "+base, "Webex: a workspace's (extension's) sequential-ring settings", "", "WebexSequentialRing", s.webexGetSequentialRing)
	s.handle("PUT "+base, "Webex: modify a workspace's sequential-ring settings (204)", "WebexSequentialRing", "", s.webexPutSequentialRing)
	s.handle("POST "+base+"/criteria", "Webex: create a sequential-ring criterion (201, id as a string)", "WebexCriterion", "Created", s.webexCreateCriterion)
	s.handle("GET "+base+"/criteria", "Webex: a workspace's sequential-ring criteria, as {\"criteria\": [...]}", "", "object", s.webexListCriteria)
	s.handle("GET "+base+"/criteria/{id}", "Webex: a sequential-ring criterion", "", "WebexCriterion", s.webexGetCriterion)
	s.handle("PUT "+base+"/criteria/{id}", "Webex: modify a sequential-ring criterion (204)", "WebexCriterion", "", s.webexPutCriterion)
	s.handle("DELETE "+base+"/criteria/{id}", "Webex: delete a sequential-ring criterion", "", "", s.deleteCriterion)
}

func noWorkspace(number string) *Problem {
	return problem(http.StatusNotFound, "no such workspace: "+number+" (a workspace id is an extension number)")
}

// criteriaOf lists an extension's criteria.
func criteriaOf(d *store.Data, number string) []config.Criterion {
	var out []config.Criterion
	for _, c := range d.Criteria {
		if c.Extension == number {
			out = append(out, c)
		}
	}
	return out
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
