package console

import (
	"net/http"
	"net/url"
)

// updateThrough saves an edit form through the API: it reads the stored
// object at /api/v1/COLLECTION/{id}, lays the form's fields over it
// (apply) so that fields the form does not show are kept, and PUTs it
// back. A failed read is answered as an API failure; a refused write goes
// to refused (the form again, messages at their fields); a saved one
// redirects to after.
func (c *Console) updateThrough(w http.ResponseWriter, r *http.Request, s *session, collection, id string,
	apply func(doc map[string]any), refused func(err error), after string) {
	path := "/api/v1/" + collection + "/" + url.PathEscape(id)
	doc := map[string]any{}
	if err := c.call(r.Context(), s, "GET", path, nil, &doc); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	delete(doc, "id")
	apply(doc)
	if err := c.call(r.Context(), s, "PUT", path, doc, nil); err != nil {
		refused(err)
		return
	}
	http.Redirect(w, r, after, http.StatusSeeOther)
}
