package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// extForm is the extension form: the values as typed, and the API's errors
// by form field.
type extForm struct {
	ID                    string
	Number, Name, Contact string
	HasPassword           bool // editing one that has a password: blank keeps it
	DND, LoggedOut        bool
	Errors                map[string]string
	Other                 []string
	Live                  *extLive // an existing one's registrations and state
}

var extFields = []string{"number", "name", "password", "contact", "dnd", "logged_out"}

func (c *Console) extensionNew(w http.ResponseWriter, r *http.Request, s *session) {
	c.showExtForm(w, r, s, http.StatusOK, &extForm{})
}

func (c *Console) showExtForm(w http.ResponseWriter, r *http.Request, s *session, status int, f *extForm) {
	title := "New extension"
	if f.ID != "" {
		title = "Extension " + f.Number
		f.Live = c.extLiveOf(r, s)
	}
	c.formPage(w, status, s, "extension", "extensions", title, f)
}

func (c *Console) extensionEdit(w http.ResponseWriter, r *http.Request, s *session) {
	var e struct {
		config.Extension
		HasPassword bool `json:"has_password"` // the API never shows the password itself
	}
	if err := c.call(r.Context(), s, "GET", "/api/v1/extensions/"+url.PathEscape(r.PathValue("id")), nil, &e); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	c.showExtForm(w, r, s, http.StatusOK, &extForm{ID: strconv.FormatInt(e.ID, 10), Number: e.Number, Name: e.Name,
		Contact: e.Contact, HasPassword: e.HasPassword, DND: e.DND, LoggedOut: e.LoggedOut})
}

func readExtForm(r *http.Request) (*extForm, string) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return &extForm{Number: v("number"), Name: v("name"), Contact: v("contact"),
		DND: r.PostFormValue("dnd") != "", LoggedOut: r.PostFormValue("logged_out") != ""}, r.PostFormValue("password")
}

// apply puts the form on an extension document; a password left blank is
// left out, and the API keeps the one the extension has.
func (f *extForm) apply(doc map[string]any, password string) {
	doc["number"], doc["name"], doc["contact"], doc["dnd"], doc["logged_out"] = f.Number, f.Name, f.Contact, f.DND, f.LoggedOut
	if password != "" {
		doc["password"] = password
	}
}

func (f *extForm) failed(p *apiError) {
	if p.Status == http.StatusConflict {
		f.Errors = map[string]string{"number": p.Detail}
		return
	}
	e := sortErrors(p, extFields, nil)
	f.Errors, f.Other = e.Errors, append(f.Other, e.Other...)
}

func (c *Console) extRefused(w http.ResponseWriter, r *http.Request, s *session, f *extForm, err error) {
	p := formRefusal(err)
	if p == nil {
		c.apiFailure(w, s, err)
		return
	}
	f.failed(p)
	c.showExtForm(w, r, s, p.Status, f)
}

func (c *Console) extensionCreate(w http.ResponseWriter, r *http.Request, s *session) {
	f, password := readExtForm(r)
	doc := map[string]any{}
	f.apply(doc, password)
	if err := c.call(r.Context(), s, "POST", "/api/v1/extensions", doc, nil); err != nil {
		c.extRefused(w, r, s, f, err)
		return
	}
	http.Redirect(w, r, "/ui/extensions?saved="+url.QueryEscape(f.Number), http.StatusSeeOther)
}

func (c *Console) extensionUpdate(w http.ResponseWriter, r *http.Request, s *session) {
	f, password := readExtForm(r)
	f.ID = r.PathValue("id")
	c.updateThrough(w, r, s, "extensions", f.ID, func(doc map[string]any) {
		f.HasPassword = doc["has_password"] == true
		f.apply(doc, password)
	}, func(err error) { c.extRefused(w, r, s, f, err) }, "/ui/extensions?saved="+url.QueryEscape(f.Number))
}

func (c *Console) extensionDelete(w http.ResponseWriter, r *http.Request, s *session) {
	c.deleteThrough(w, r, s, "extensions", "/ui/extensions", "number", func(status int, msg string) {
		c.showExtensions(w, r, s, status, msg)
	})
}
