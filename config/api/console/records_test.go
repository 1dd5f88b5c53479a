package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

// TestRecordPages: Previous and Next keep the filters; each record has
// its legs' timeline; the CSV link downloads the page shown.
func TestRecordPages(t *testing.T) {
	f := newFixture(t)
	f.signedIn()
	s := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	at := func(sec float64) time.Time { return s.Add(time.Duration(sec * float64(time.Second))) }
	recs := []cdr.Record{
		{CallID: "c1", Group: "6000", Caller: "5550001", Start: s, End: s.Add(20 * time.Second), Outcome: "no_answer", Legs: []cdr.Leg{}},
		{CallID: "c2", Group: "6000", Caller: "5550002", Start: s.Add(time.Hour), End: s.Add(time.Hour + 20*time.Second), Outcome: "abandoned", Legs: []cdr.Leg{}},
		{CallID: "c4", Group: "6100", Caller: "5550004", Start: s.Add(150 * time.Minute), End: s.Add(151 * time.Minute), Outcome: "no_agent", Legs: []cdr.Leg{}},
	}
	s = s.Add(2 * time.Hour)
	recs = append(recs, cdr.Record{CallID: "c3", Group: "6000", Caller: "5550003", Start: s, Answer: at(5), End: at(65), Outcome: "answered", AnsweredBy: "1001",
		Legs: []cdr.Leg{
			{Extension: "1001", Group: "6000", Start: at(0.5), End: at(5), Code: 200, Result: "answered"},
			{Extension: "1003", Group: "6000", Start: at(0.5), End: at(5), Code: 487, Result: "cancelled"},
		}})
	if err := f.store.AddRecords(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}

	code, page, _ := f.get("/ui/cdr?group=6000&top=1")
	if code != http.StatusOK || !strings.Contains(page, "3 records match; 1-1 shown.") || !strings.Contains(page, "<td>5550003</td>") ||
		!strings.Contains(page, `<a href="/ui/cdr?group=6000&amp;skip=1&amp;top=1" rel="next">Next</a>`) || strings.Contains(page, `rel="prev"`) {
		t.Fatalf("first page: %d\n%s", code, page)
	}
	// The timeline of c3: offsets from the call's start, a bar per leg.
	for _, want := range []string{
		"<details>\n<summary>Timeline of the call from 5550003 at 2026-11-25 11:00:00Z: 2 legs, answered at 5.0 s, ended at 65.0 s</summary>",
		"<tr><td>1001</td><td>6000</td><td>0.5</td><td>5.0</td><td>4.5</td><td>200</td><td>answered</td>",
		`<rect class="bar-leg answered" x="0.8" width="6.9" height="10">`,
		"<tr><td>1003</td><td>6000</td><td>0.5</td><td>5.0</td><td>4.5</td><td>487</td><td>cancelled</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the first page lacks %q", want)
		}
	}
	if strings.Contains(page, "style=") {
		t.Errorf("an inline style (the Content-Security-Policy blocks it)")
	}

	code, page, _ = f.get("/ui/cdr?group=6000&skip=1&top=1")
	if code != http.StatusOK || !strings.Contains(page, "3 records match; 2-2 shown.") || !strings.Contains(page, "<td>5550002</td>") ||
		!strings.Contains(page, `<a href="/ui/cdr?group=6000&amp;top=1" rel="prev">Previous</a>`) ||
		!strings.Contains(page, `<a href="/ui/cdr?group=6000&amp;skip=2&amp;top=1" rel="next">Next</a>`) ||
		!strings.Contains(page, "No legs: no member was rung.") {
		t.Errorf("second page: %d\n%s", code, page)
	}
	// The CSV link downloads the record shown, not the first page.
	if !strings.Contains(page, `<a href="/ui/cdr.csv?group=6000&amp;skip=1&amp;top=1" download>`) {
		t.Errorf("the CSV link does not keep the page")
	}
	_, csv, _ := f.get("/ui/cdr.csv?group=6000&skip=1&top=1")
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "c2,6000,") {
		t.Errorf("CSV of the second page:\n%s", csv)
	}
	if _, page, _ = f.get("/ui/cdr?group=6000&skip=2&top=1"); strings.Contains(page, `rel="next"`) || !strings.Contains(page, `rel="prev"`) {
		t.Errorf("last page: want Previous only\n%s", page)
	}
	// Without filters all four fit the API's default page: no links.
	if _, page, _ = f.get("/ui/cdr"); !strings.Contains(page, "4 records match; 1-4 shown.") || strings.Contains(page, `class="pager"`) {
		t.Errorf("unfiltered page\n%s", page)
	}
}
