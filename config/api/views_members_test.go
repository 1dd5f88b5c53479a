package api

import (
	"net/http/httptest"
	"testing"

	"github.com/ringd/ringd/config"
)

// membersRuntime is the SIP side with member states.
type membersRuntime struct{ noRuntime }

func (membersRuntime) Members() []MemberState {
	return []MemberState{{Extension: "1002", State: "on_call"}, {Extension: "1001", State: "available"}}
}

// GET /api/v1/members lists every extension's state, sorted, with a token.
func TestMembersView(t *testing.T) {
	f := newFixture(t)
	f.srv.Close()
	file, err := config.Parse([]byte(baseConfig))
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(New(f.live, membersRuntime{}, file.HTTP))
	t.Cleanup(f.srv.Close)
	code, body := f.do("GET", "/api/v1/members", nil)
	items, _ := body["items"].([]any)
	if code != 200 || body["count"] != float64(2) || len(items) != 2 {
		t.Fatalf("GET /members: %d %v", code, body)
	}
	first, _ := items[0].(map[string]any)
	second, _ := items[1].(map[string]any)
	if first["extension"] != "1001" || second["state"] != "on_call" {
		t.Errorf("members %v", items)
	}
	if code, _ := f.doAuth("GET", "/api/v1/members", nil, ""); code != 401 {
		t.Errorf("without a token: %d", code)
	}
}
