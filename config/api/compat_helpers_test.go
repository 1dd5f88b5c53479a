package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
)

// Helpers of the façade tests (yeastar_*_test.go, webex_test.go).

// newServicesFixture is the API fixture with the services the Yeastar
// fixtures fail over to (trunk, queue, ivr) configured as well.
func newServicesFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	file, err := config.Parse([]byte(strings.Replace(baseConfig, "services:\n", `services:
  trunk: "sip:{number}@127.0.0.1:5080"
  queue: "sip:queue-{value}@127.0.0.1:5091"
  ivr: "sip:ivr-{value}@127.0.0.1:5092"
`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.live.Reload(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	return f
}

// server is the fixture's Server (to reach its tokens).
func (f *fixture) server() *Server { return f.srv.Config.Handler.(*Server) }

// send makes a request and returns the status, the Content-Type and the
// JSON answer (nil when the body is empty).
func (f *fixture) send(method, path string, body any, header http.Header) (int, string, map[string]any) {
	f.t.Helper()
	code, ctype, out, _ := f.sendFull(method, path, body, header)
	return code, ctype, out
}

// sendFull is send that also returns the raw body.
func (f *fixture) sendFull(method, path string, body any, header http.Header) (int, string, map[string]any, string) {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			f.t.Fatalf("%s %s: non-JSON answer %q", method, path, data)
		}
	}
	return res.StatusCode, res.Header.Get("Content-Type"), out, string(data)
}

// yeastar calls the Yeastar façade, with tok as access_token ("" for
// none), and returns the envelope. Every answer is HTTP 200 JSON.
func (f *fixture) yeastar(method, path, tok string, body any) map[string]any {
	f.t.Helper()
	if tok != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "access_token=" + url.QueryEscape(tok)
	}
	code, ctype, out := f.send(method, yeastarBase+path, body, nil)
	if code != http.StatusOK || ctype != "application/json" || out == nil {
		f.t.Fatalf("%s %s: HTTP %d %q %v, want 200 application/json with an envelope", method, path, code, ctype, out)
	}
	return out
}

// errcode is an envelope's errcode.
func errcode(env map[string]any) int {
	n, ok := env["errcode"].(float64)
	if !ok {
		return -1
	}
	return int(n)
}

// readJSON reads a fixture of compat/testdata.
func readJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("compat", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// readBytes reads a fixture of compat/testdata as it is.
func readBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("compat", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cloneJSON deep-copies a JSON object.
func cloneJSON(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// sameJSON compares two JSON objects key by key, reporting each difference.
func sameJSON(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: %s missing, want %v", what, k, w)
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected %s = %v", what, k, g)
		}
	}
}

// idOf looks up the ringd ID of an extension (by number), extension group
// (by name) or ring group (by number) through the native API, as a
// Yeastar value.
func (f *fixture) idOf(kind, key string) string {
	f.t.Helper()
	res := map[string]string{"extension": "extensions?filter=number+eq+", "ext_group": "extension_groups?filter=name+eq+",
		"ring_group": "ring_groups?filter=number+eq+"}[kind]
	code, l := f.do("GET", "/api/v1/"+res+url.QueryEscape(key), nil)
	items, _ := l["items"].([]any)
	if code != 200 || len(items) != 1 {
		f.t.Fatalf("no %s %q: %d %v", kind, key, code, l)
	}
	return itoa(int64(items[0].(map[string]any)["id"].(float64)))
}

// withIDs rewrites a Yeastar group written with ringd's keys (compat's
// *.ringd.json fixtures) to the object IDs the façade speaks
// (yeastar_ids.go): member values (in either member_list format), and the
// values of extension and ring_group destinations.
func (f *fixture) withIDs(y map[string]any) map[string]any {
	f.t.Helper()
	out := cloneJSON(y)
	members, _ := out["member_list"].([]any)
	for _, m := range members {
		m := m.(map[string]any)
		refs := []any{m}
		if subs, ok := m["sub_option"].([]any); ok && m["value"] == nil {
			refs = subs // the grouped format: the members are in sub_option
		}
		for _, r := range refs {
			r := r.(map[string]any)
			r["value"] = f.idOf(r["type"].(string), r["value"].(string))
		}
	}
	for _, p := range []string{"fail_dest", "no_agent_online_dest"} {
		if dest, _ := out[p].(string); dest == "extension" || dest == "ring_group" {
			out[p+"_value"] = f.idOf(dest, out[p+"_value"].(string))
		}
	}
	return out
}
