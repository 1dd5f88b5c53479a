package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestGroupSearch: the ring groups list searched by number, name or
// member (also one inside a member extension group) and filtered by
// strategy, on the server.
func TestGroupSearch(t *testing.T) {
	f := newFixture(t)
	f.signedIn()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/ring_groups",
		strings.NewReader(`{"number":"6100","name":"Night line","strategy":"prioritized_hunt","members":[{"extension":"1003"}]}`))
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating ring group 6100: %d", resp.StatusCode)
	}
	for _, c := range []struct {
		query, count string
		shown        []string
	}{
		{"", "2 ring groups.", []string{"6000", "6100"}},
		{"?q=SALES", "1 of 2 ring groups match.", []string{"6000"}},
		{"?q=610", "1 of 2 ring groups match.", []string{"6100"}},
		{"?q=1002", "1 of 2 ring groups match.", []string{"6000"}}, // in @support
		{"?q=1003", "2 of 2 ring groups match.", []string{"6000", "6100"}},
		{"?q=%40support", "1 of 2 ring groups match.", []string{"6000"}},
		{"?strategy=prioritized_hunt", "1 of 2 ring groups match.", []string{"6100"}},
		{"?q=1003&strategy=ring_all", "1 of 2 ring groups match.", []string{"6000"}},
		{"?q=sales&strategy=prioritized_hunt", "0 of 2 ring groups match.", nil},
	} {
		code, page, _ := f.get("/ui/ring_groups" + c.query)
		if code != http.StatusOK || !strings.Contains(page, c.count) {
			t.Errorf("%s: %d, want %q\n%s", c.query, code, c.count, page)
			continue
		}
		for _, n := range []string{"6000", "6100"} {
			want := strings.Contains(strings.Join(c.shown, " "), n)
			if got := strings.Contains(page, "<td>"+n+"</td>"); got != want {
				t.Errorf("%s: group %s listed %v, want %v", c.query, n, got, want)
			}
		}
		if c.shown == nil && !strings.Contains(page, "No ring group matches.") {
			t.Errorf("%s: no 'No ring group matches.'", c.query)
		}
	}
	// The form keeps what was asked, every field labelled.
	_, page, _ := f.get("/ui/ring_groups?q=night&strategy=prioritized_hunt")
	for _, want := range []string{`<label for="q">Search</label><input id="q" name="q" type="search" value="night"`,
		`<label for="f-strategy">Strategy</label>`, `<option selected>prioritized_hunt</option>`, `<a href="/ui/ring_groups">Show all</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("search form lacks %s", want)
		}
	}
}
