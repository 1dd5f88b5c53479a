package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// password is extension number's SIP password in the live configuration.
func (f *fixture) password(number string) string {
	var p string
	f.live.Read(func(d *store.Data, _ *config.Config) {
		for _, e := range d.Extensions {
			if e.Number == number {
				p = e.Password
			}
		}
	})
	return p
}

// TestPasswordsWriteOnly: no read shows an extension's SIP password (it
// says has_password); a PUT of what a read gave keeps it, a new one
// replaces it, and the OpenAPI schema marks it write-only.
func TestPasswordsWriteOnly(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/v1/extensions", "/api/v1/extensions/1001", "/api/v1/extensions?search=Alice"} {
		_, _, raw := f.sendRaw("GET", path, nil)
		if strings.Contains(raw, `"password"`) || strings.Contains(raw, "p1") {
			t.Errorf("GET %s shows a password: %s", path, raw)
		}
	}
	code, e := f.do("GET", "/api/v1/extensions/1001", nil)
	if code != 200 || e["has_password"] != true {
		t.Fatalf("GET 1001: %d %v, want has_password true", code, e)
	}

	// What a read gave, changed and put back: the password stays.
	e["name"] = "Alice B."
	code, out, raw := f.sendRaw("PUT", "/api/v1/extensions/1001", e)
	if code != 200 || out["name"] != "Alice B." || out["has_password"] != true || strings.Contains(raw, "p1") {
		t.Fatalf("PUT back: %d %s", code, raw)
	}
	if p := f.password("1001"); p != "p1" {
		t.Errorf("password after a PUT without one: %q, want p1 kept", p)
	}
	// A new one replaces it; the answer does not show it either.
	e["password"] = "new-secret"
	if code, _, raw := f.sendRaw("PUT", "/api/v1/extensions/1001", e); code != 200 || strings.Contains(raw, "new-secret") {
		t.Fatalf("PUT a new password: %d %s", code, raw)
	}
	if p := f.password("1001"); p != "new-secret" {
		t.Errorf("password after a PUT with a new one: %q", p)
	}
	// has_password is read-only: a wrong type is still refused, as any field.
	if code, p := f.do("PUT", "/api/v1/extensions/1001", map[string]any{"number": "1001", "nmae": "x"}); code != 400 || fields(p)[0] != "nmae" {
		t.Errorf("unknown field beside the read-only one: %d %v", code, p)
	}
	// An extension without a contact and without a password is still refused.
	if code, p := f.do("POST", "/api/v1/extensions", map[string]any{"number": "1009", "has_password": true}); code != 422 || !strings.Contains(strings.Join(fields(p), ","), "password") {
		t.Errorf("create without a password: %d %v", code, p)
	}

	_, doc := f.do("GET", "/openapi.json", nil)
	props := doc["components"].(map[string]any)["schemas"].(map[string]any)["Extension"].(map[string]any)["properties"].(map[string]any)
	if props["password"].(map[string]any)["writeOnly"] != true || props["has_password"].(map[string]any)["readOnly"] != true {
		t.Errorf("OpenAPI Extension: password %v, has_password %v", props["password"], props["has_password"])
	}
}

// sendRaw is send with the test token, also giving the raw body.
func (f *fixture) sendRaw(method, path string, body any) (int, map[string]any, string) {
	f.t.Helper()
	h := http.Header{"Authorization": {"Bearer " + testToken}}
	code, _, out, raw := f.sendFull(method, path, body, h)
	return code, out, raw
}
