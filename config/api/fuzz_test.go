package api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
)

// fuzzWrites are the routes that decode a JSON body, native and dialects.
var fuzzWrites = []string{
	"POST /api/v1/ring_groups", "PUT /api/v1/ring_groups/1", "POST /api/v1/ring_groups/1/members",
	"POST /api/v1/extensions", "PUT /api/v1/extensions/1001",
	"POST /api/v1/extension_groups", "POST /api/v1/schedules",
	"PUT /api/v1/extensions/1001/sequential_ring", "POST /api/v1/extensions/1001/sequential_ring/criteria",
	"PUT /api/v1/log/level",
	"POST /openapi/v1.0/ringgroup/create", "POST /openapi/v1.0/ringgroup/update",
	"PUT /v1/telephony/config/workspaces/1001/sequentialRing",
	"POST /v1/telephony/config/workspaces/1001/sequentialRing/criteria",
}

// FuzzJSONBodies sends arbitrary bodies to every route that decodes JSON:
// bad input is a 4xx problem+json (never a 5xx), and whatever is accepted
// leaves a configuration that still compiles.
func FuzzJSONBodies(f *testing.F) {
	for i := range fuzzWrites {
		f.Add(uint8(i), []byte(`{"number":"6100","name":"X","strategy":"ring_all","members":[{"extension":"1001"}]}`))
		f.Add(uint8(i), []byte(`{"enabled":true,"numbers":[{"number":"1002","ring_time":5}],"calls_from":"ANY_PHONE_NUMBER","ring_enabled":true}`))
		f.Add(uint8(i), []byte(`{"name":"office","type":"business_hours","timezone":"Europe/Paris","weekly":["mon-fri 22:00-06:00"]}`))
		f.Add(uint8(i), []byte(`[1,2,3]`))
		f.Add(uint8(i), []byte(`{"number":`+strings.Repeat("[", 50)))
	}
	file, err := config.Parse([]byte(baseConfig))
	if err != nil {
		f.Fatal(err)
	}
	st := store.NewMemory()
	lv, err := live.Open(context.Background(), st, file, func(*config.Config, *engine.Snapshot) {})
	if err != nil {
		f.Fatal(err)
	}
	h := New(lv, noRuntime{}, file.HTTP)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		method, path, _ := strings.Cut(fuzzWrites[int(route)%len(fuzzWrites)], " ")
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && rec.Code != http.StatusUnauthorized && !strings.HasPrefix(path, "/openapi/") &&
			rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s: %d as %q", method, path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if lv.Snapshot() == nil {
			t.Fatal("no configuration after the request")
		}
	})
}
