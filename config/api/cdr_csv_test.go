package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

// raw sends a GET with the given Authorization and Accept headers ("" for
// none) and returns the answer as is.
func (f *fixture) raw(path, auth, accept string) (*http.Response, string) {
	f.t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// csvRecords stores records for the CSV tests: five calls a minute apart
// from 09:00, the odd ones no_answer, the first with a caller name that
// needs quoting and legs of every kind.
func csvRecords(t *testing.T, f *fixture) []cdr.Record {
	t.Helper()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var recs []cdr.Record
	for i := range 5 {
		start := base.Add(time.Duration(i) * time.Minute)
		rec := cdr.Record{CallID: "c" + itoa(int64(i)), Group: "6000", Caller: "2000", Outcome: "answered",
			Start: start, Answer: start.Add(5 * time.Second), End: start.Add(30 * time.Second), AnsweredBy: "1002",
			Legs: []cdr.Leg{{Extension: "1002", Group: "6000", Start: start, End: start.Add(30 * time.Second), Code: 200, Result: "answered"}}}
		if i%2 == 1 {
			rec.Outcome, rec.Answer, rec.AnsweredBy = "no_answer", time.Time{}, ""
			rec.Failover, rec.FailoverTo, rec.Reason = "extension", "1004", "no_answer"
			rec.Missed = []string{"1001", "1004"}
			rec.Legs = []cdr.Leg{{Extension: "1001", Group: "6000", Start: start, End: start.Add(20 * time.Second), Code: 487, Result: "cancelled"}}
		}
		recs = append(recs, rec)
	}
	recs[0].Caller = "\"Smith, \"\"Bob\"\"\"\n<sip:2000@example.com>; tag=x"
	recs[0].LastGroup = "6100"
	recs[0].Legs = []cdr.Leg{
		{Extension: "1001", Group: "6000", Start: base, End: base.Add(10 * time.Second), Code: 487, Result: "cancelled"},
		{Extension: "1002", Group: "6100", Start: base.Add(10 * time.Second), End: base.Add(30 * time.Second), Code: 200, Result: "answered"},
		{Extension: "1004", Start: base.Add(10 * time.Second), End: base.Add(12 * time.Second), Code: 486, Result: "busy"},
		{URI: "sip:+33123456789@trunk.example.com", Start: base.Add(10 * time.Second), End: base.Add(11 * time.Second), Result: "error"},
	}
	if err := f.st.AddRecords(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	return recs
}

// readCSV checks a CSV answer's headers and parses it (header row first).
func readCSV(t *testing.T, what string, res *http.Response, body string) [][]string {
	t.Helper()
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d %s", what, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="ringd-cdr.csv"` {
		t.Errorf("%s: Content-Disposition %q", what, cd)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: not CSV: %v\n%s", what, err, body)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], recordCSVHeader) {
		t.Fatalf("%s: header row %v", what, rows)
	}
	return rows
}

func TestCallRecordsCSVColumns(t *testing.T) {
	f := newFixture(t)
	recs := csvRecords(t, f)
	res, body := f.raw("/api/v1/cdr.csv", "Bearer "+testToken, "")
	rows := readCSV(t, "cdr.csv", res, body)
	if len(rows) != 6 || res.Header.Get("X-Total-Count") != "5" {
		t.Fatalf("%d rows, X-Total-Count %q:\n%s", len(rows), res.Header.Get("X-Total-Count"), body)
	}
	// Newest first, as the JSON view.
	byID := map[string][]string{}
	for i, row := range rows[1:] {
		if want := "c" + itoa(int64(4-i)); row[0] != want {
			t.Errorf("row %d: call_id %q, want %q", i+1, row[0], want)
		}
		byID[row[0]] = row
	}
	want := map[string][]string{
		"c0": {"c0", "6000", "6100", recs[0].Caller, "2026-11-25T09:00:00Z", "2026-11-25T09:00:05Z", "2026-11-25T09:00:30Z",
			"answered", "1002", "", "", "", "", "4",
			"1001@6000 487 cancelled; 1002@6100 200 answered; 1004 486 busy; sip:+33123456789@trunk.example.com error"},
		"c1": {"c1", "6000", "", "2000", "2026-11-25T09:01:00Z", "", "2026-11-25T09:01:30Z",
			"no_answer", "", "extension", "1004", "no_answer", "1001 1004", "1", "1001@6000 487 cancelled"},
	}
	for id, w := range want {
		if !slices.Equal(byID[id], w) {
			t.Errorf("%s:\n got %q\nwant %q", id, byID[id], w)
		}
	}
	// The caller's comma, quotes and newline are quoted, not split.
	if !strings.Contains(body, `"""Smith, """"Bob""""""`+"\n"+`<sip:2000@example.com>; tag=x"`) {
		t.Errorf("caller not quoted as RFC 4180 wants:\n%s", body)
	}
	for _, row := range rows {
		if len(row) != len(recordCSVHeader) {
			t.Errorf("row of %d fields: %q", len(row), row)
		}
	}
}

// TestCallRecordsCSVFilters checks that both CSV routes select exactly what
// the JSON view selects, for every filter and the paging.
func TestCallRecordsCSVFilters(t *testing.T) {
	f := newFixture(t)
	csvRecords(t, f)
	for _, q := range []string{
		"", "outcome=no_answer", "outcome=answered", "group=6000", "group=7000",
		"since=2026-11-25T09:02:00Z", "until=2026-11-25T09:02:00Z",
		"since=2026-11-25T09:01:00Z&until=2026-11-25T09:04:00Z&outcome=answered",
		"skip=1&top=2", "skip=4", "skip=9", "top=1", "top=0", "group=6000&outcome=no_answer&top=1&skip=1",
	} {
		code, l := f.do("GET", "/api/v1/cdr?"+q, nil)
		if code != 200 {
			t.Fatalf("%s: %d %v", q, code, l)
		}
		var wantIDs []string
		for _, it := range l["items"].([]any) {
			wantIDs = append(wantIDs, it.(map[string]any)["call_id"].(string))
		}
		wantTotal := itoa(int64(l["count"].(float64)))
		for _, via := range []struct{ path, accept string }{{"/api/v1/cdr.csv?" + q, ""}, {"/api/v1/cdr?" + q, "text/csv"}} {
			res, body := f.raw(via.path, "Bearer "+testToken, via.accept)
			rows := readCSV(t, via.path, res, body)
			var ids []string
			for _, row := range rows[1:] {
				ids = append(ids, row[0])
			}
			if !slices.Equal(ids, wantIDs) || res.Header.Get("X-Total-Count") != wantTotal {
				t.Errorf("%s (Accept %q): %v of %s, want %v of %s", via.path, via.accept, ids, res.Header.Get("X-Total-Count"), wantIDs, wantTotal)
			}
		}
	}
}

func TestCallRecordsCSVEmpty(t *testing.T) {
	f := newFixture(t)
	want := strings.Join(recordCSVHeader, ",") + "\n"
	for _, p := range []string{"/api/v1/cdr.csv", "/api/v1/cdr.csv?top=0"} {
		res, body := f.raw(p, "Bearer "+testToken, "")
		readCSV(t, p, res, body)
		if body != want || res.Header.Get("X-Total-Count") != "0" {
			t.Errorf("%s: %q (X-Total-Count %q), want the header row only", p, body, res.Header.Get("X-Total-Count"))
		}
	}
	csvRecords(t, f)
	res, body := f.raw("/api/v1/cdr?group=7000", "Bearer "+testToken, "text/csv")
	readCSV(t, "group=7000", res, body)
	if body != want {
		t.Errorf("no match: %q, want the header row only", body)
	}
}

func TestCallRecordsCSVProblems(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		path, accept string
		fields       []string
	}{
		{"/api/v1/cdr.csv?outcome=won", "", []string{"outcome"}},
		{"/api/v1/cdr.csv?since=yesterday&top=500", "text/csv", []string{"since", "top"}},
		{"/api/v1/cdr?until=soon&skip=-1", "text/csv", []string{"until", "skip"}},
	} {
		res, body := f.raw(c.path, "Bearer "+testToken, c.accept)
		var p map[string]any
		if err := json.Unmarshal([]byte(body), &p); err != nil || res.StatusCode != 400 ||
			res.Header.Get("Content-Type") != "application/problem+json" || !slices.Equal(fields(p), c.fields) {
			t.Errorf("%s (Accept %q): %d %q %s, want 400 problem+json naming %v", c.path, c.accept, res.StatusCode, res.Header.Get("Content-Type"), body, c.fields)
		}
	}
}

func TestCallRecordsCSVAuth(t *testing.T) {
	f := newFixture(t)
	csvRecords(t, f)
	for _, c := range []struct{ path, auth, accept string }{
		{"/api/v1/cdr.csv", "", ""},
		{"/api/v1/cdr.csv", "Bearer wrong", ""},
		{"/api/v1/cdr", "", "text/csv"},
		{"/api/v1/cdr?access_token=wrong", "", "text/csv"},
	} {
		res, body := f.raw(c.path, c.auth, c.accept)
		if res.StatusCode != 401 || res.Header.Get("Content-Type") != "application/problem+json" ||
			res.Header.Get("WWW-Authenticate") == "" || strings.Contains(body, "c0") {
			t.Errorf("%s (auth %q): %d %q %s, want 401", c.path, c.auth, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	res, body := f.raw("/api/v1/cdr.csv?access_token="+testToken+"&outcome=answered", "", "")
	if rows := readCSV(t, "access_token", res, body); len(rows) != 4 {
		t.Errorf("access_token: %d rows, want a header and 3", len(rows))
	}
}

// TestCallRecordsAccept checks the content negotiation of GET /api/v1/cdr.
func TestCallRecordsAccept(t *testing.T) {
	f := newFixture(t)
	csvRecords(t, f)
	for accept, wantCSV := range map[string]bool{
		"":                 false,
		"application/json": false,
		"*/*":              false,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": false,
		"text/csv":                         true,
		"TEXT/CSV; charset=utf-8":          true,
		"text/csv, */*":                    true,
		"text/csv, */*;q=0.1":              true,
		"text/*":                           true,
		"application/json;q=0.5, text/csv": true,
		"text/csv;q=0.5, application/json": false,
		"text/csv, application/json":       false,
		"text/csv;q=0, */*":                false,
		"application/json, text/csv;q=0.9": false,
		"image/png":                        false,
	} {
		res, body := f.raw("/api/v1/cdr", "Bearer "+testToken, accept)
		if res.StatusCode != 200 {
			t.Fatalf("Accept %q: %d %s", accept, res.StatusCode, body)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Errorf("Accept %q: Vary %q", accept, res.Header.Get("Vary"))
		}
		if wantCSV {
			readCSV(t, "Accept "+accept, res, body)
			continue
		}
		var l map[string]any
		if ct := res.Header.Get("Content-Type"); ct != "application/json" || json.Unmarshal([]byte(body), &l) != nil || l["count"] != 5.0 {
			t.Errorf("Accept %q: %q %s, want the JSON view", accept, ct, body)
		}
	}
	// .csv answers CSV whatever Accept says.
	res, body := f.raw("/api/v1/cdr.csv", "Bearer "+testToken, "application/json")
	readCSV(t, "cdr.csv with Accept: application/json", res, body)
}

func TestCallRecordsCSVOpenAPI(t *testing.T) {
	f := newFixture(t)
	_, doc := f.doAuth("GET", "/openapi.json", nil, "")
	op, _ := doc["paths"].(map[string]any)["/api/v1/cdr.csv"].(map[string]any)["get"].(map[string]any)
	content, _ := op["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	if content["text/csv"] == nil || op["security"] == nil {
		t.Errorf("openapi.json: GET /api/v1/cdr.csv is %v", op)
	}
}
