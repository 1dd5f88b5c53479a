package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/config/api"
)

// TestExtensionNow: an extension's page lists its registrations (not
// another's) and its state as GET /api/v1/members gives them.
func TestExtensionNow(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f.rt.mu.Lock()
	f.rt.regs = []api.Registration{
		{Extension: "1001", Contact: "sip:1001@198.51.100.7:5062;transport=tcp", Source: "198.51.100.7:40001", Transport: "TCP", UserAgent: "Yealink SIP-T54W", Expires: exp},
		{Extension: "1003", Contact: "sip:1003@192.0.2.9:5060", Source: "192.0.2.9:5060", Transport: "UDP", Expires: exp},
	}
	f.rt.members = []api.MemberState{{Extension: "1001", State: "on_call"}, {Extension: "1003", State: "offline"}}
	f.rt.mu.Unlock()
	_, alice := f.api("GET", "/api/v1/extensions/1001")
	id := itoa(int64(alice["id"].(float64)))
	code, page, _ := f.get("/ui/extensions/" + id)
	want := "<tr><td>sip:1001@198.51.100.7:5062;transport=tcp</td><td>198.51.100.7:40001</td><td>TCP</td><td>Yealink SIP-T54W</td><td>2030-01-02 03:04:05Z</td></tr>"
	if code != http.StatusOK || !strings.Contains(page, want) || !strings.Contains(page, `State: <span class="state">on a call`) {
		t.Errorf("extension page: %d, want its registration and state\n%s", code, page)
	}
	if strings.Contains(page, "192.0.2.9") {
		t.Errorf("extension 1001's page lists 1003's registration")
	}
	// A refused edit still shows them.
	code, page, _ = f.post("/ui/extensions/"+id, url.Values{"csrf": {csrf}, "number": {"1001"}, "contact": {"not a uri"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
		t.Errorf("refused edit: %d, want 422 with the registrations\n%s", code, page)
	}
	// One not registered: said so; a new extension's form has no such section.
	_, bob := f.api("GET", "/api/v1/extensions/1002")
	if _, page, _ = f.get("/ui/extensions/" + itoa(int64(bob["id"].(float64)))); !strings.Contains(page, `<td colspan="5">No registrations.</td>`) || !strings.Contains(page, "not reported") {
		t.Errorf("extension 1002's page\n%s", page)
	}
	if _, page, _ = f.get("/ui/extensions/new"); strings.Contains(page, "h-now") {
		t.Errorf("the new extension form shows a Now section")
	}
}
