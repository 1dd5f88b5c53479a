package api

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
