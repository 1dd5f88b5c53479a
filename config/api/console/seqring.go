package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// An extension's sequential ring (SPEC §5) on its own page,
// /ui/extensions/{id}/sequential_ring: the settings in one form (PUT
// /api/v1/extensions/{number}/sequential_ring) and the criteria listed,
// each created, edited and deleted through its own form (criteria.go).

// seqRow is one row of the numbers rung in sequence, as typed.
type seqRow struct {
	N                int // 1-based, for the labels
	Number, RingTime string
	Bad              bool // an API error names this row
}

// NumberField and RingTimeField are the row's form field names.
func (r seqRow) NumberField() string   { return "numbers." + strconv.Itoa(r.N) + ".number" }
func (r seqRow) RingTimeField() string { return "numbers." + strconv.Itoa(r.N) + ".ring_time" }

// seqForm is the settings form: the values as typed, and the API's errors
// by form field (enabled, ring_base_first, base_ring_time, numbers).
type seqForm struct {
	Enabled, RingBaseFirst bool
	BaseRingTime           string
	Rows                   []seqRow // config.MaxSeqNumbers of them, the blank ones last
	Errors                 map[string]string
	Other                  []string
}

var seqFields = []string{"enabled", "ring_base_first", "base_ring_time", "numbers"}

// seqPage is what templates/sequential_ring.html shows.
type seqPage struct {
	ExtID, Number, Name string
	Form                *seqForm
	Criteria            []config.Criterion
	Saved, Deleted      string // what the last change was, from the redirect's query
}

// withRows fills the form's rows up to config.MaxSeqNumbers with blank
// ones, numbering them.
func (f *seqForm) withRows(rows []seqRow) *seqForm {
	for len(rows) < config.MaxSeqNumbers {
		rows = append(rows, seqRow{})
	}
	for i := range rows {
		rows[i].N = i + 1
	}
	f.Rows = rows
	return f
}

func seqFormOf(sr config.SequentialRing) *seqForm {
	f := &seqForm{Enabled: sr.Enabled, RingBaseFirst: sr.RingBaseFirst, BaseRingTime: strconv.Itoa(sr.BaseRingTime)}
	var rows []seqRow
	for _, n := range sr.Numbers {
		rows = append(rows, seqRow{Number: n.Number, RingTime: strconv.Itoa(n.RingTime)})
	}
	return f.withRows(rows)
}

// readSeqForm reads the posted settings. A row with a number or a ring
// time is kept (a ring time without a number goes for the API to refuse);
// rows left blank are dropped, so the rows sent are numbered as the API's
// errors count them (numbers[0] is the first row).
func readSeqForm(r *http.Request) *seqForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := &seqForm{Enabled: r.PostFormValue("enabled") != "", RingBaseFirst: r.PostFormValue("ring_base_first") != "",
		BaseRingTime: v("base_ring_time")}
	var rows []seqRow
	for i := 1; i <= config.MaxSeqNumbers; i++ {
		row := seqRow{N: i}
		row.Number, row.RingTime = v(row.NumberField()), v(row.RingTimeField())
		if row.Number != "" || row.RingTime != "" {
			rows = append(rows, row)
		}
	}
	return f.withRows(rows)
}

// seconds is a typed number of seconds for the API: an int, blank as 0,
// or the text as typed for the API to refuse with its own message.
func seconds(s string) any {
	if s == "" {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// apply puts the form on the settings document.
func (f *seqForm) apply(doc map[string]any) {
	doc["enabled"], doc["ring_base_first"], doc["base_ring_time"] = f.Enabled, f.RingBaseFirst, seconds(f.BaseRingTime)
	numbers := []any{}
	for _, row := range f.Rows {
		if row.Number != "" || row.RingTime != "" {
			numbers = append(numbers, map[string]any{"number": row.Number, "ring_time": seconds(row.RingTime)})
		}
	}
	doc["numbers"] = numbers
}

// failed puts an API refusal on the form. An error of one number
// (numbers[1].ring_time) goes to the numbers block with its path and row,
// and marks that row.
func (f *seqForm) failed(p *apiError) {
	e := sortErrors(p, seqFields, func(field, msg string) (string, bool) {
		if n, ok := rowOf(field); ok && n < len(f.Rows) {
			f.Rows[n].Bad = true
			return field + " (row " + strconv.Itoa(n+1) + "): " + msg, false
		}
		return "", false
	})
	f.Errors, f.Other = e.Errors, append(f.Other, e.Other...)
}

// rowOf reads the index of an error field like numbers[1].ring_time.
func rowOf(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "numbers[")
	if !ok {
		return 0, false
	}
	i := strings.IndexByte(rest, ']')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:i])
	return n, err == nil && n >= 0
}

// seqBase is the API path of an extension's sequential ring.
func seqBase(number string) string {
	return "/api/v1/extensions/" + url.PathEscape(number) + "/sequential_ring"
}

// extensionOf reads the extension the request's {id} names.
func (c *Console) extensionOf(r *http.Request, s *session) (config.Extension, error) {
	var e config.Extension
	err := c.call(r.Context(), s, "GET", "/api/v1/extensions/"+url.PathEscape(r.PathValue("id")), nil, &e)
	return e, err
}

// showSeq shows the page: the settings form (f, or the stored settings
// when f is nil) and the criteria.
func (c *Console) showSeq(w http.ResponseWriter, r *http.Request, s *session, status int, f *seqForm) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	if f == nil {
		var sr config.SequentialRing
		if err := c.call(r.Context(), s, "GET", seqBase(e.Number), nil, &sr); err != nil {
			c.apiFailure(w, s, err)
			return
		}
		f = seqFormOf(sr)
	}
	var crits list[config.Criterion]
	if err := c.call(r.Context(), s, "GET", seqBase(e.Number)+"/criteria", nil, &crits); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	q := r.URL.Query()
	page := &seqPage{ExtID: strconv.FormatInt(e.ID, 10), Number: e.Number, Name: e.Name, Form: f,
		Criteria: crits.Items, Saved: q.Get("saved"), Deleted: q.Get("deleted")}
	c.formPage(w, status, s, "sequential_ring", "extensions", "Sequential ring of "+e.Number, page)
}

func (c *Console) seqShow(w http.ResponseWriter, r *http.Request, s *session) {
	c.showSeq(w, r, s, http.StatusOK, nil)
}

// seqSave stores the settings: the stored ones read, the form laid over
// them, and PUT back (updateThrough), or the form again with the API's
// errors at their fields.
func (c *Console) seqSave(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	f := readSeqForm(r)
	page := "/ui/extensions/" + url.PathEscape(r.PathValue("id")) + "/sequential_ring"
	c.updateThrough(w, r, s, "extensions/"+url.PathEscape(e.Number), "sequential_ring", f.apply, func(err error) {
		p, ok := err.(*apiError)
		if !ok || (p.Status != http.StatusBadRequest && p.Status != http.StatusUnprocessableEntity) {
			c.apiFailure(w, s, err)
			return
		}
		f.failed(p)
		c.showSeq(w, r, s, p.Status, f)
	}, page+"?saved=settings")
}
