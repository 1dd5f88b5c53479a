package api

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The façades are in /openapi.json: every endpoint, its path parameters
// declared, every schema it refers to defined.
func TestOpenAPIDescribesTheFacades(t *testing.T) {
	f := newFixture(t)
	code, doc := f.doAuth("GET", "/openapi.json", nil, "")
	if code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	paths := doc["paths"].(map[string]any)
	webex := "/v1/telephony/config/workspaces/{number}/sequentialRing"
	for _, ep := range []string{
		"POST /openapi/v1.0/get_token", "GET /openapi/v1.0/ringgroup/list", "GET /openapi/v1.0/ringgroup/search",
		"GET /openapi/v1.0/ringgroup/get", "GET /openapi/v1.0/ringgroup/query", "POST /openapi/v1.0/ringgroup/create",
		"POST /openapi/v1.0/ringgroup/update", "GET /openapi/v1.0/ringgroup/delete",
		"GET " + webex, "PUT " + webex, "POST " + webex + "/criteria", "GET " + webex + "/criteria",
		"GET " + webex + "/criteria/{id}", "PUT " + webex + "/criteria/{id}", "DELETE " + webex + "/criteria/{id}",
	} {
		method, path, _ := strings.Cut(ep, " ")
		op, _ := paths[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if op == nil {
			t.Errorf("openapi.json lacks %s", ep)
			continue
		}
		declared := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			declared[p.(map[string]any)["name"].(string)] = true
		}
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter %s is not declared", ep, m[1])
			}
		}
		_, secured := op["security"]
		yeastar := strings.HasPrefix(path, yeastarBase)
		if yeastar && secured || !yeastar && !secured {
			t.Errorf("%s: security %v (Yeastar endpoints check their token themselves)", ep, op["security"])
		}
		if yeastar && path != yeastarBase+"get_token" && !strings.Contains(op["summary"].(string), "access_token") {
			t.Errorf("%s: the summary does not say a token is needed", ep)
		}
	}
	b, _ := json.Marshal(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(string(b), -1) {
		if schemas[m[1]] == nil {
			t.Errorf("schema %s is referred to but not defined", m[1])
		}
	}
	// sub_option takes any JSON (Yeastar's grouped members, or anything
	// beside a value), not the bytes of a json.RawMessage.
	member, _ := schemas["YeastarMember"].(map[string]any)
	props, _ := member["properties"].(map[string]any)
	if sub, ok := props["sub_option"].(map[string]any); !ok || sub["type"] != nil {
		t.Errorf("YeastarMember.sub_option schema %v, want any JSON", props["sub_option"])
	}
}
