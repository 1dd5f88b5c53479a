package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// strategy is one choice of the form's strategy field.
type strategy struct{ Name, Help string }

// strategies are the native strategy names (engine/README.md#strategies).
var strategies = []strategy{
	{"ring_all", "every member rings at once; the first to answer gets the call"},
	{"prioritized_hunt", "one at a time in the configured order, each for the ring time"},
	{"cyclic_hunt", "one at a time, starting with the member this group has not rung for the longest, then round in order"},
	{"least_worked_hunt", "one at a time, the member who last answered a call of this group longest ago first"},
	{"memory_hunt", "one more member joins the ringing at each step; earlier ones keep ringing"},
	{"custom", "each member rings from its own delay for its own timeout"},
	{"paging_intercom", "every member at once, answered automatically (paging)"},
	{"skill_prioritized_hunt", "by skill level, lowest first; prioritized within a level"},
	{"skill_cyclic_hunt", "by skill level, lowest first; cyclic within a level"},
	{"skill_least_worked_hunt", "by skill level, lowest first; least worked within a level"},
	{"random_hunt", "one at a time, in a random order drawn for each call"},
	{"weighted_hunt", "one at a time, in an order drawn by the members' weights (1-100)"},
}

// destTypes are the failover destination types (config/README.md).
var destTypes = []string{"end_call", "extension", "ring_group", "external_num", "ext_vm", "group_vm", "ivr", "call_flow", "queue", "play_greeting"}

// groupForm is the ring group form: the values as typed, and the API's
// errors by form field.
type groupForm struct {
	ID                     string
	Number, Name, Strategy string
	RingTime               string
	Members                string // one per line, in order: 1001, or @support for an extension group
	NoAnswerDest           string
	NoAnswerValue          string
	NoAgentDest            string
	NoAgentValue           string
	Errors                 map[string]string // by form field
	Other                  []string          // errors on no field of the form
	Strategies             []strategy
	DestTypes              []string
}

func (c *Console) groupList(w http.ResponseWriter, r *http.Request, s *session) {
	c.showGroups(w, r, s, http.StatusOK, "")
}

func (c *Console) showGroups(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	groups, err := all[config.RingGroup](c, r, s, "ring_groups", "number")
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	q := r.URL.Query()
	data := map[string]any{"Groups": groups, "Error": msg, "Saved": q.Get("saved"), "Deleted": q.Get("deleted")}
	c.signedPage(w, status, s, "ring_groups", "Ring groups", data)
}

func (c *Console) groupNew(w http.ResponseWriter, r *http.Request, s *session) {
	f := &groupForm{Strategy: "ring_all", RingTime: "20"}
	c.showForm(w, s, http.StatusOK, f)
}

func (c *Console) showForm(w http.ResponseWriter, s *session, status int, f *groupForm) {
	f.Strategies, f.DestTypes = strategies, destTypes
	title := "New ring group"
	if f.ID != "" {
		title = "Ring group " + f.Number
	}
	c.formPage(w, status, s, "ring_group", "ring_groups", title, f)
}

func (c *Console) groupEdit(w http.ResponseWriter, r *http.Request, s *session) {
	var g config.RingGroup
	if err := c.call(r.Context(), s, "GET", "/api/v1/ring_groups/"+url.PathEscape(r.PathValue("id")), nil, &g); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	f := &groupForm{ID: strconv.FormatInt(g.ID, 10), Number: g.Number, Name: g.Name, Strategy: g.Strategy,
		RingTime: strconv.Itoa(g.RingTime), NoAnswerDest: g.OnNoAnswer.Dest, NoAnswerValue: g.OnNoAnswer.Value,
		NoAgentDest: g.OnNoAgent.Dest, NoAgentValue: g.OnNoAgent.Value}
	var lines []string
	for _, m := range g.Members {
		if m.ExtGroup != "" {
			lines = append(lines, "@"+m.ExtGroup)
		} else {
			lines = append(lines, m.Extension)
		}
	}
	f.Members = strings.Join(lines, "\n")
	c.showForm(w, s, http.StatusOK, f)
}

// readForm reads the posted form.
func readForm(r *http.Request) *groupForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return &groupForm{Number: v("number"), Name: v("name"), Strategy: v("strategy"), RingTime: v("ring_time"),
		Members: r.PostFormValue("members"), NoAnswerDest: v("on_no_answer.dest"), NoAnswerValue: v("on_no_answer.value"),
		NoAgentDest: v("on_no_agent.dest"), NoAgentValue: v("on_no_agent.value")}
}

// apply puts the form's fields on a ring group document (as JSON decodes
// it), keeping what the form does not show: the members' other settings
// (skill level, delay...), the other fields of the group. A ring time that
// is not a number goes as typed, for the API to refuse.
func (f *groupForm) apply(doc map[string]any) {
	doc["number"], doc["name"], doc["strategy"] = f.Number, f.Name, f.Strategy
	if f.RingTime != "" {
		if n, err := strconv.Atoi(f.RingTime); err == nil {
			doc["ring_time"] = n
		} else {
			doc["ring_time"] = f.RingTime
		}
	}
	old, _ := doc["members"].([]any)
	used := make([]bool, len(old))
	members := []any{}
	for _, line := range strings.Split(f.Members, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, val := "extension", line
		if g, ok := strings.CutPrefix(line, "@"); ok {
			key, val = "ext_group", strings.TrimSpace(g)
		}
		var m map[string]any
		for i, o := range old {
			if om, ok := o.(map[string]any); ok && !used[i] && om[key] == val {
				m, used[i] = om, true
				break
			}
		}
		if m == nil {
			m = map[string]any{key: val}
		}
		members = append(members, m)
	}
	doc["members"] = members
	for _, d := range []struct{ key, dest, value string }{
		{"on_no_answer", f.NoAnswerDest, f.NoAnswerValue}, {"on_no_agent", f.NoAgentDest, f.NoAgentValue},
	} {
		if d.dest == "" && d.value == "" {
			delete(doc, d.key)
			continue
		}
		dst, _ := doc[d.key].(map[string]any)
		if dst == nil || dst["dest"] != d.dest {
			dst = map[string]any{}
		}
		dst["dest"], dst["value"] = d.dest, d.value
		doc[d.key] = dst
	}
}

// formFields are the fields of the form an API error can be shown at.
var formFields = []string{"number", "name", "strategy", "ring_time", "members", "on_no_answer", "on_no_agent"}

// failed puts an API refusal on the form: each error next to its field.
func (f *groupForm) failed(p *apiError) {
	f.Errors = map[string]string{}
	if p.Status == http.StatusConflict { // the number is taken
		f.Errors["number"] = p.Detail
		return
	}
	for _, e := range p.Errors {
		field, msg := e.Field, e.Message
		top := field
		if i := strings.IndexAny(field, "[."); i >= 0 {
			top = field[:i]
			msg = field + ": " + msg
		}
		if !slices.Contains(formFields, top) {
			f.Other = append(f.Other, field+": "+e.Message)
			continue
		}
		if f.Errors[top] != "" {
			f.Errors[top] += "; "
		}
		f.Errors[top] += msg
	}
	if len(p.Errors) == 0 {
		f.Other = append(f.Other, p.Error())
	}
}

func (c *Console) groupCreate(w http.ResponseWriter, r *http.Request, s *session) {
	f := readForm(r)
	doc := map[string]any{}
	f.apply(doc)
	var created struct {
		ID int64 `json:"id"`
	}
	if err := c.call(r.Context(), s, "POST", "/api/v1/ring_groups", doc, &created); err != nil {
		c.refused(w, s, f, err)
		return
	}
	http.Redirect(w, r, "/ui/ring_groups?saved="+url.QueryEscape(f.Number), http.StatusSeeOther)
}

func (c *Console) groupUpdate(w http.ResponseWriter, r *http.Request, s *session) {
	f := readForm(r)
	f.ID = r.PathValue("id")
	c.updateThrough(w, r, s, "ring_groups", f.ID, f.apply, func(err error) { c.refused(w, s, f, err) },
		"/ui/ring_groups?saved="+url.QueryEscape(f.Number))
}

// refused shows the form again with the API's errors, or an error page
// when the API failed otherwise.
func (c *Console) refused(w http.ResponseWriter, s *session, f *groupForm, err error) {
	p, ok := err.(*apiError)
	if !ok || (p.Status != http.StatusBadRequest && p.Status != http.StatusConflict && p.Status != http.StatusUnprocessableEntity) {
		c.apiFailure(w, s, err)
		return
	}
	f.failed(p)
	c.showForm(w, s, p.Status, f)
}

func (c *Console) groupDelete(w http.ResponseWriter, r *http.Request, s *session) {
	number := r.PostFormValue("number")
	err := c.call(r.Context(), s, "DELETE", "/api/v1/ring_groups/"+url.PathEscape(r.PathValue("id")), nil, nil)
	if p, ok := err.(*apiError); ok && p.Status == http.StatusConflict {
		c.showGroups(w, r, s, http.StatusConflict, "Not deleted: "+p.Detail)
		return
	}
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	http.Redirect(w, r, "/ui/ring_groups?deleted="+url.QueryEscape(number), http.StatusSeeOther)
}
