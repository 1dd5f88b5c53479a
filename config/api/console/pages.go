package console

import (
	"bytes"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine/cdr"
)

var funcs = template.FuncMap{
	"join": strings.Join,
	// list joins a JSON list of strings (decoded as []any).
	"list": func(v any, sep string) string {
		xs, _ := v.([]any)
		var out []string
		for _, x := range xs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return strings.Join(out, sep)
	},
	"clock": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"since": func(t time.Time) string { return time.Since(t).Round(time.Second).String() },
	// yesNo shows an optional flag: yes, no, or nothing when unset.
	"yesNo": func(b *bool) string {
		if b == nil {
			return ""
		}
		if *b {
			return "yes"
		}
		return "no"
	},
	// fieldView gives a ring group form field the form's choices.
	"fieldView": func(f *groupField, form *groupForm) fieldView {
		return fieldView{Field: f, DestTypes: form.DestTypes, Schedules: form.Schedules}
	},
}

// fieldView is what the template of one ring group form field gets.
type fieldView struct {
	Field                *groupField
	DestTypes, Schedules []string
}

// parsePages parses each page with the layout.
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		pages[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return pages
}

// view is what every page's template gets.
type view struct {
	Title string
	Nav   string // the menu entry to mark current
	CSRF  string
	Who   string
	Data  any
}

func (c *Console) render(w http.ResponseWriter, status int, name string, data any) {
	c.page(w, status, name, view{Title: "Sign in", Data: data})
}

func (c *Console) page(w http.ResponseWriter, status int, name string, v view) {
	var b bytes.Buffer
	if err := c.pages[name].Execute(&b, v); err != nil {
		log.Printf("console: page %s: %v", name, err)
		http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (c *Console) signedPage(w http.ResponseWriter, status int, s *session, name, title string, data any) {
	c.formPage(w, status, s, name, name, title, data)
}

// formPage is signedPage for a page whose template is not its menu entry
// (an object's form under its list's entry).
func (c *Console) formPage(w http.ResponseWriter, status int, s *session, name, nav, title string, data any) {
	c.page(w, status, name, view{Title: title, Nav: nav, CSRF: s.csrf, Who: s.who, Data: data})
}

// apiFailure shows an API error the page cannot place next to a field.
func (c *Console) apiFailure(w http.ResponseWriter, s *session, err error) {
	status := http.StatusBadGateway
	if p, ok := err.(*apiError); ok {
		status = p.Status
	}
	c.signedPage(w, status, s, "error", "Error", err.Error())
}

// list is the API's list answer.
type list[T any] struct {
	Count int `json:"count"`
	Items []T `json:"items"`
}

// all reads every page of a native list (the API answers at most 100
// items a request), ordered by the field named.
func all[T any](c *Console, r *http.Request, s *session, collection, orderby string) (list[T], error) {
	var out list[T]
	for {
		var page list[T]
		path := "/api/v1/" + collection + "?orderby=" + orderby + "&top=100&skip=" + strconv.Itoa(len(out.Items))
		if err := c.call(r.Context(), s, "GET", path, nil, &page); err != nil {
			return out, err
		}
		out.Count = page.Count
		out.Items = append(out.Items, page.Items...)
		if len(page.Items) == 0 || len(out.Items) >= page.Count {
			return out, nil
		}
	}
}

// registration is one item of GET /api/v1/registrations.
type registration struct {
	Extension string    `json:"extension"`
	Contact   string    `json:"contact"`
	Expires   time.Time `json:"expires"`
	Source    string    `json:"source"`
	Transport string    `json:"transport"`
	UserAgent string    `json:"user_agent"`
}

func (c *Console) extensionList(w http.ResponseWriter, r *http.Request, s *session) {
	c.showExtensions(w, r, s, http.StatusOK, "")
}

func (c *Console) showExtensions(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	exts, err := all[config.Extension](c, r, s, "extensions", "number")
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	q := r.URL.Query()
	data := map[string]any{"Extensions": exts, "Error": msg, "Saved": q.Get("saved"), "Deleted": q.Get("deleted")}
	c.signedPage(w, status, s, "extensions", "Extensions", data)
}

func (c *Console) showNamedList(w http.ResponseWriter, r *http.Request, s *session, k *namedKind, status int, msg string) {
	items, err := all[map[string]any](c, r, s, k.collection, "name")
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	q := r.URL.Query()
	data := map[string]any{"Items": items, "Error": msg, "Saved": q.Get("saved"), "Deleted": q.Get("deleted"), "Kind": k}
	c.signedPage(w, status, s, k.collection, k.title, data)
}

// recordFilters are the query parameters of GET /api/v1/cdr.
var recordFilters = []string{"group", "outcome", "since", "until", "skip", "top"}

func (c *Console) recordList(w http.ResponseWriter, r *http.Request, s *session) {
	q := url.Values{}
	form := map[string]string{}
	for _, f := range recordFilters {
		if v := strings.TrimSpace(r.URL.Query().Get(f)); v != "" {
			q.Set(f, v)
			form[f] = v
		}
	}
	data := map[string]any{"Form": form, "Errors": map[string]string{}, "Outcomes": []string{"answered", "no_answer", "no_agent", "abandoned", "out_of_schedule", "failed"}}
	var recs list[cdr.Record]
	err := c.call(r.Context(), s, "GET", "/api/v1/cdr?"+q.Encode(), nil, &recs)
	if p, ok := err.(*apiError); ok && p.Status == http.StatusBadRequest {
		data["Errors"] = fieldErrors(p)
		c.signedPage(w, http.StatusBadRequest, s, "cdr", "Call records", data)
		return
	}
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	data["Records"] = pageOf(recs, q)
	data["CSV"] = "/ui/cdr.csv?" + q.Encode() // the same filters and paging: the records shown
	c.signedPage(w, http.StatusOK, s, "cdr", "Call records", data)
}

// recordCSV downloads the call records the filters select as CSV: the
// API's GET /api/v1/cdr.csv, answered straight to the browser.
func (c *Console) recordCSV(w http.ResponseWriter, r *http.Request, s *session) {
	q := url.Values{}
	for _, f := range recordFilters {
		if v := strings.TrimSpace(r.URL.Query().Get(f)); v != "" {
			q.Set(f, v)
		}
	}
	req, err := http.NewRequestWithContext(r.Context(), "GET", "/api/v1/cdr.csv?"+q.Encode(), nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	c.api.ServeHTTP(w, req)
}

// fieldErrors maps a problem's errors by field (several joined).
func fieldErrors(p *apiError) map[string]string {
	out := map[string]string{}
	for _, e := range p.Errors {
		if out[e.Field] != "" {
			out[e.Field] += "; "
		}
		out[e.Field] += e.Message
	}
	return out
}
