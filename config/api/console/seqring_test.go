package console_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestSequentialRing(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	_, alice := f.api("GET", "/api/v1/extensions/1001")
	id := itoa(int64(alice["id"].(float64)))
	page := "/ui/extensions/" + id + "/sequential_ring"
	if _, body, _ := f.get("/ui/extensions/" + id); !strings.Contains(body, `href="`+page+`"`) {
		t.Errorf("the extension's page has no link to its sequential ring\n%s", body)
	}
	code, body, _ := f.get(page)
	if code != http.StatusOK || !strings.Contains(body, "Sequential ring of 1001") || !strings.Contains(body, `<label for="t5">`) || !strings.Contains(body, "No criteria") {
		t.Fatalf("page: %d\n%s", code, body)
	}

	// Rows 1 and 3 filled, 2 left blank: the API gets two numbers, in order.
	form := url.Values{"csrf": {csrf}, "enabled": {"1"}, "base_ring_time": {"10"},
		"numbers.1.number": {"1002"}, "numbers.1.ring_time": {"15"},
		"numbers.3.number": {"+33123456789"}, "numbers.3.ring_time": {"20"}}
	code, body, resp := f.post(page, form)
	if code != http.StatusSeeOther || resp.Header.Get("Location") != page+"?saved=settings" {
		t.Fatalf("save: %d to %q\n%s", code, resp.Header.Get("Location"), body)
	}
	_, sr := f.api("GET", "/api/v1/extensions/1001/sequential_ring")
	numbers, _ := json.Marshal(sr["numbers"])
	if sr["enabled"] != true || sr["ring_base_first"] != false || sr["base_ring_time"] != 10.0 ||
		string(numbers) != `[{"number":"1002","ring_time":15},{"number":"+33123456789","ring_time":20}]` {
		t.Errorf("stored settings %v (numbers %s)", sr, numbers)
	}
	_, body, _ = f.get(page + "?saved=settings")
	if !strings.Contains(body, "Sequential ring settings saved.") || !strings.Contains(body, `name="numbers.2.ring_time" value="20"`) {
		t.Errorf("page after save\n%s", body)
	}

	// A ring time out of range in the second number: 422, the message at
	// the numbers with its path and row, that row marked, nothing saved.
	form.Set("numbers.3.ring_time", "700")
	form.Set("base_ring_time", "12")
	code, body, _ = f.post(page, form)
	if code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `<p class="field-error" id="numbers-err">numbers[1].ring_time (row 2): must be 1-600 s</p>`) ||
		!regexp.MustCompile(`id="t2" name="numbers.2.ring_time" value="700" inputmode="numeric" aria-invalid="true" aria-describedby="numbers-err"`).MatchString(body) ||
		strings.Contains(body, `id="t1" name="numbers.1.ring_time" value="15" inputmode="numeric" aria-invalid`) {
		t.Errorf("ring time 700: %d, want 422 at the numbers, row 2 marked\n%s", code, body)
	}
	if !strings.Contains(body, `id="base_ring_time" name="base_ring_time" value="12"`) {
		t.Errorf("the refused form lost the values typed")
	}
	if _, sr = f.api("GET", "/api/v1/extensions/1001/sequential_ring"); sr["base_ring_time"] != 10.0 {
		t.Errorf("a refused change was saved: %v", sr)
	}
	// A base ring time that is not a number: the API's message at its field.
	form.Set("numbers.3.ring_time", "20")
	form.Set("base_ring_time", "soon")
	if code, body, _ = f.post(page, form); code != http.StatusBadRequest || !strings.Contains(body, `id="base_ring_time-err"`) {
		t.Errorf("base ring time soon: %d, want 400 at base_ring_time\n%s", code, body)
	}

	// A criterion without ring_enabled: refused at the radio buttons.
	crit := url.Values{"csrf": {csrf}, "schedule_name": {"office"}, "calls_from": {"SELECT_PHONE_NUMBERS"},
		"phone_numbers": {"+33123456789\n1003\n"}}
	code, body, _ = f.post(page+"/criteria/new", crit)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `<p class="field-error" id="ring_enabled-err">required</p>`) ||
		!strings.Contains(body, `<option value="office" selected>office (business_hours)</option>`) {
		t.Errorf("criterion without ring_enabled: %d, want 422 at ring_enabled\n%s", code, body)
	}
	crit.Set("ring_enabled", "yes")
	code, body, resp = f.post(page+"/criteria/new", crit)
	if code != http.StatusSeeOther || resp.Header.Get("Location") != page+"?saved=criterion" {
		t.Fatalf("create criterion: %d to %q\n%s", code, resp.Header.Get("Location"), body)
	}
	_, l := f.api("GET", "/api/v1/extensions/1001/sequential_ring/criteria")
	items, _ := l["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("criteria after create: %v", l)
	}
	c := items[0].(map[string]any)
	phones, _ := json.Marshal(c["phone_numbers"])
	if c["schedule_name"] != "office" || c["calls_from"] != "SELECT_PHONE_NUMBERS" || c["ring_enabled"] != true ||
		string(phones) != `["+33123456789","1003"]` {
		t.Errorf("created criterion %v", c)
	}
	cid := itoa(int64(c["id"].(float64)))
	if _, body, _ = f.get(page); !strings.Contains(body, "<td>office</td>\n<td>SELECT_PHONE_NUMBERS</td><td>&#43;33123456789, 1003</td>\n<td>no</td><td>no</td>\n<td>yes</td>") {
		t.Errorf("the page does not list the criterion\n%s", body)
	}
	// Edit: the form shows it; a bad phone number is refused at its field.
	edit := page + "/criteria/" + cid
	if code, body, _ = f.get(edit); code != http.StatusOK || !strings.Contains(body, `id="ring_yes" name="ring_enabled" type="radio" value="yes" checked`) {
		t.Errorf("criterion form: %d\n%s", code, body)
	}
	crit.Set("ring_enabled", "no")
	crit.Set("phone_numbers", "1003\n12ab")
	if code, body, _ = f.post(edit, crit); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="phone_numbers-err">phone_numbers[1]: must be`) {
		t.Errorf("bad phone number: %d, want 422 at phone_numbers\n%s", code, body)
	}
	crit.Set("phone_numbers", "1003")
	if code, body, _ = f.post(edit, crit); code != http.StatusSeeOther {
		t.Fatalf("update criterion: %d\n%s", code, body)
	}
	if _, c = f.api("GET", "/api/v1/extensions/1001/sequential_ring/criteria/"+cid); c["ring_enabled"] != false || len(c["phone_numbers"].([]any)) != 1 {
		t.Errorf("updated criterion %v", c)
	}
	// Delete.
	code, _, resp = f.post(edit+"/delete", url.Values{"csrf": {csrf}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != page+"?deleted=criterion" {
		t.Errorf("delete criterion: %d to %q", code, resp.Header.Get("Location"))
	}
	if _, l = f.api("GET", "/api/v1/extensions/1001/sequential_ring/criteria"); l["count"] != 0.0 {
		t.Errorf("criteria after delete: %v", l)
	}
}
