package console

import (
	"net/http"
	"net/url"

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

func (c *Console) groupList(w http.ResponseWriter, r *http.Request, s *session) {
	c.showGroups(w, r, s, http.StatusOK, "")
}

func (c *Console) showGroups(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	groups, err := all[config.RingGroup](c, r, s, "ring_groups", "number")
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	groups, search, err := c.searchGroups(r, s, groups)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	q := r.URL.Query()
	data := map[string]any{"Groups": groups, "Search": search, "Error": msg, "Saved": q.Get("saved"), "Deleted": q.Get("deleted")}
	c.signedPage(w, status, s, "ring_groups", "Ring groups", data)
}

func (c *Console) groupNew(w http.ResponseWriter, r *http.Request, s *session) {
	f := groupFormOf(config.NewRingGroup())
	f.ID, f.Strategy = "", "ring_all"
	c.showForm(w, r, s, http.StatusOK, f)
}

func (c *Console) showForm(w http.ResponseWriter, r *http.Request, s *session, status int, f *groupForm) {
	f.Strategies, f.DestTypes = strategies, destTypes
	f.padMembers()
	if scheds, err := all[config.Schedule](c, r, s, "schedules", "name"); err == nil {
		for _, sc := range scheds.Items {
			f.Schedules = append(f.Schedules, sc.Name)
		}
	}
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
	c.showForm(w, r, s, http.StatusOK, groupFormOf(g))
}

func (c *Console) groupCreate(w http.ResponseWriter, r *http.Request, s *session) {
	f := readGroupForm(r)
	doc := map[string]any{}
	f.apply(doc)
	var created struct {
		ID int64 `json:"id"`
	}
	if err := c.call(r.Context(), s, "POST", "/api/v1/ring_groups", doc, &created); err != nil {
		c.refused(w, r, s, f, err)
		return
	}
	http.Redirect(w, r, "/ui/ring_groups?saved="+url.QueryEscape(f.Number), http.StatusSeeOther)
}

func (c *Console) groupUpdate(w http.ResponseWriter, r *http.Request, s *session) {
	f := readGroupForm(r)
	f.ID = r.PathValue("id")
	c.updateThrough(w, r, s, "ring_groups", f.ID, f.apply, func(err error) { c.refused(w, r, s, f, err) },
		"/ui/ring_groups?saved="+url.QueryEscape(f.Number))
}

// refused shows the form again with the API's errors, or an error page
// when the API failed otherwise.
func (c *Console) refused(w http.ResponseWriter, r *http.Request, s *session, f *groupForm, err error) {
	p := formRefusal(err)
	if p == nil {
		c.apiFailure(w, s, err)
		return
	}
	f.failed(p)
	c.showForm(w, r, s, p.Status, f)
}

func (c *Console) groupDelete(w http.ResponseWriter, r *http.Request, s *session) {
	c.deleteThrough(w, r, s, "ring_groups", "/ui/ring_groups", "number", func(status int, msg string) {
		c.showGroups(w, r, s, status, msg)
	})
}
