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

// deleteThrough deletes /api/v1/COLLECTION/{id} of the request and
// redirects to list?deleted=NAME (name: the posted field naming it). An
// object still used (409) shows the list again with the API's reason
// (relist); another failure is an API failure.
func (c *Console) deleteThrough(w http.ResponseWriter, r *http.Request, s *session, collection, list, name string,
	relist func(status int, msg string)) {
	label := r.PostFormValue(name)
	err := c.call(r.Context(), s, "DELETE", "/api/v1/"+collection+"/"+url.PathEscape(r.PathValue("id")), nil, nil)
	if p, ok := err.(*apiError); ok && p.Status == http.StatusConflict {
		relist(http.StatusConflict, "Not deleted: "+p.Detail)
		return
	}
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	http.Redirect(w, r, list+"?deleted="+url.QueryEscape(label), http.StatusSeeOther)
}

// formRefusal returns the API's problem when it refused a form's values
// (400, 409, 422): the form is shown again with the messages; nil for
// any other failure.
func formRefusal(err error) *apiError {
	if p, ok := err.(*apiError); ok && (p.Status == http.StatusBadRequest || p.Status == http.StatusConflict || p.Status == http.StatusUnprocessableEntity) {
		return p
	}
	return nil
}
