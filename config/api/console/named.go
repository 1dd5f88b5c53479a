package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// namedKind is an extension group or a schedule: objects named (not
// numbered) whose form is a few text fields and lists (one per line).
type namedKind struct {
	collection string // API and URL segment: "extension_groups"
	one        string // "extension group"
	title      string // "Extension groups"
	fields     []namedField
}

// namedField is one field of the form.
type namedField struct {
	Key, Label, Help string
	List             bool     // a list of strings, one per line
	Choices          []string // a select
}

var extensionGroupKind = &namedKind{collection: "extension_groups", one: "extension group", title: "Extension groups", fields: []namedField{
	{Key: "name", Label: "Name"},
	{Key: "extensions", Label: "Extensions", Help: "One extension number per line.", List: true},
}}

var scheduleKind = &namedKind{collection: "schedules", one: "schedule", title: "Schedules", fields: []namedField{
	{Key: "name", Label: "Name"},
	{Key: "type", Label: "Type", Help: "business_hours: open in the weekly times, closed on its dates and every holidays schedule's dates; holidays: open except on its dates.", Choices: []string{"business_hours", "holidays"}},
	{Key: "timezone", Label: "Time zone (IANA)", Help: "For example Europe/Paris or America/New_York."},
	{Key: "weekly", Label: "Weekly times", Help: "One per line, like: mon-fri 09:00-17:00", List: true},
	{Key: "dates", Label: "Dates", Help: "One per line: 2026-12-31, or a range 2026-12-24..2026-12-26; without the year (12-25) every year", List: true},
}}

// namedForm is the form of a named object as typed, with the API's errors.
type namedForm struct {
	Kind   *namedKind
	ID     string
	Values map[string]string // by field key; lists joined with newlines
	Errors map[string]string
	Other  []string
}

// Fields pairs each field with its value and error, for the template.
func (f *namedForm) Fields() []map[string]any {
	var out []map[string]any
	for _, fd := range f.Kind.fields {
		out = append(out, map[string]any{"F": fd, "Value": f.Values[fd.Key], "Error": f.Errors[fd.Key]})
	}
	return out
}

// Collection is the URL segment, for the templates.
func (k *namedKind) Collection() string { return k.collection }

func (k *namedKind) routes(c *Console) {
	base := "/ui/" + k.collection
	c.mux.HandleFunc("GET "+base+"/new", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		f := &namedForm{Kind: k, Values: map[string]string{}}
		if len(k.fields) > 1 && k.fields[1].Choices != nil {
			f.Values[k.fields[1].Key] = k.fields[1].Choices[0]
		}
		c.showNamed(w, s, http.StatusOK, f)
	}))
	c.mux.HandleFunc("POST "+base+"/new", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		f := k.read(r)
		doc := map[string]any{}
		f.apply(doc)
		if err := c.call(r.Context(), s, "POST", "/api/v1/"+k.collection, doc, nil); err != nil {
			c.namedRefused(w, s, f, err)
			return
		}
		http.Redirect(w, r, base+"?saved="+url.QueryEscape(f.Values["name"]), http.StatusSeeOther)
	}))
	c.mux.HandleFunc("GET "+base+"/{id}", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		doc := map[string]any{}
		if err := c.call(r.Context(), s, "GET", "/api/v1/"+k.collection+"/"+url.PathEscape(r.PathValue("id")), nil, &doc); err != nil {
			c.apiFailure(w, s, err)
			return
		}
		f := &namedForm{Kind: k, Values: map[string]string{}}
		if id, ok := doc["id"].(float64); ok {
			f.ID = strconv.FormatInt(int64(id), 10)
		}
		for _, fd := range k.fields {
			switch v := doc[fd.Key].(type) {
			case string:
				f.Values[fd.Key] = v
			case []any:
				var lines []string
				for _, x := range v {
					if s, ok := x.(string); ok {
						lines = append(lines, s)
					}
				}
				f.Values[fd.Key] = strings.Join(lines, "\n")
			}
		}
		c.showNamed(w, s, http.StatusOK, f)
	}))
	c.mux.HandleFunc("POST "+base+"/{id}", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		f := k.read(r)
		f.ID = r.PathValue("id")
		c.updateThrough(w, r, s, k.collection, f.ID, f.apply, func(err error) { c.namedRefused(w, s, f, err) },
			base+"?saved="+url.QueryEscape(f.Values["name"]))
	}))
	c.mux.HandleFunc("POST "+base+"/{id}/delete", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		c.deleteThrough(w, r, s, k.collection, base, "name", func(status int, msg string) {
			c.showNamedList(w, r, s, k, status, msg)
		})
	}))
}

func (k *namedKind) read(r *http.Request) *namedForm {
	f := &namedForm{Kind: k, Values: map[string]string{}}
	for _, fd := range k.fields {
		v := r.PostFormValue(fd.Key)
		if !fd.List {
			v = strings.TrimSpace(v)
		}
		f.Values[fd.Key] = v
	}
	return f
}

// apply puts the form on the object's document, keeping other fields.
func (f *namedForm) apply(doc map[string]any) {
	for _, fd := range f.Kind.fields {
		v := f.Values[fd.Key]
		if !fd.List {
			doc[fd.Key] = v
			continue
		}
		items := []string{}
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				items = append(items, line)
			}
		}
		doc[fd.Key] = items
	}
}

func (c *Console) namedRefused(w http.ResponseWriter, s *session, f *namedForm, err error) {
	p := formRefusal(err)
	if p == nil {
		c.apiFailure(w, s, err)
		return
	}
	var keys []string
	for _, fd := range f.Kind.fields {
		keys = append(keys, fd.Key)
	}
	e := sortErrors(p, keys, nil)
	f.Errors, f.Other = e.Errors, append(f.Other, e.Other...)
	if p.Status == http.StatusConflict {
		f.Errors["name"], f.Other = p.Detail, nil
	}
	c.showNamed(w, s, p.Status, f)
}

func (c *Console) showNamed(w http.ResponseWriter, s *session, status int, f *namedForm) {
	title := "New " + f.Kind.one
	if f.ID != "" {
		title = strings.ToUpper(f.Kind.one[:1]) + f.Kind.one[1:] + " " + f.Values["name"]
	}
	c.formPage(w, status, s, "named", f.Kind.collection, title, f)
}
