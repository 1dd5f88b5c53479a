package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// critForm is the form of one sequential-ring criterion (SPEC §5): the
// values as typed, and the API's errors by field.
type critForm struct {
	ExtID, Number string // the extension's ID (the page's URL) and number (the API's)
	ID            string // the criterion's; "" for a new one
	ScheduleName  string
	ScheduleType  string
	ScheduleLevel string
	CallsFrom     string
	Anonymous     bool
	Unavailable   bool
	PhoneNumbers  string // one per line
	RingEnabled   string // "yes", "no", or "" when neither is chosen
	Schedules     []config.Schedule
	Errors        map[string]string
	Other         []string
}

var critFields = []string{"schedule_name", "schedule_type", "schedule_level", "calls_from",
	"anonymous_callers_enabled", "unavailable_callers_enabled", "phone_numbers", "ring_enabled"}

// Page is the sequential ring page the form goes back to.
func (f *critForm) Page() string { return "/ui/extensions/" + f.ExtID + "/sequential_ring" }

func critFormOf(cr config.Criterion) *critForm {
	f := &critForm{ID: strconv.FormatInt(cr.ID, 10), ScheduleName: cr.ScheduleName, ScheduleType: cr.ScheduleType,
		ScheduleLevel: cr.ScheduleLevel, CallsFrom: cr.CallsFrom, Anonymous: cr.AnonymousCallersEnabled,
		Unavailable: cr.UnavailableCallersEnabled, PhoneNumbers: strings.Join(cr.PhoneNumbers, "\n")}
	if cr.RingEnabled != nil {
		f.RingEnabled = map[bool]string{true: "yes", false: "no"}[*cr.RingEnabled]
	}
	return f
}

func readCritForm(r *http.Request) *critForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return &critForm{ScheduleName: v("schedule_name"), ScheduleType: v("schedule_type"), ScheduleLevel: v("schedule_level"),
		CallsFrom: v("calls_from"), Anonymous: r.PostFormValue("anonymous_callers_enabled") != "",
		Unavailable: r.PostFormValue("unavailable_callers_enabled") != "", PhoneNumbers: r.PostFormValue("phone_numbers"),
		RingEnabled: v("ring_enabled")}
}

// apply puts the form on a criterion document. ring_enabled neither yes
// nor no goes as null, for the API to ask for it.
func (f *critForm) apply(doc map[string]any) {
	doc["schedule_name"], doc["schedule_type"], doc["schedule_level"] = f.ScheduleName, f.ScheduleType, f.ScheduleLevel
	doc["calls_from"], doc["anonymous_callers_enabled"], doc["unavailable_callers_enabled"] = f.CallsFrom, f.Anonymous, f.Unavailable
	numbers := []string{}
	for _, line := range strings.Split(f.PhoneNumbers, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			numbers = append(numbers, line)
		}
	}
	doc["phone_numbers"] = numbers
	switch f.RingEnabled {
	case "yes":
		doc["ring_enabled"] = true
	case "no":
		doc["ring_enabled"] = false
	default:
		doc["ring_enabled"] = nil
	}
}

// failed puts an API refusal on the form: each error at its field, one
// of a list (phone_numbers[1]) at the list with its path.
func (f *critForm) failed(p *apiError) {
	e := sortErrors(p, critFields, nil)
	f.Errors, f.Other = e.Errors, append(f.Other, e.Other...)
}

// showCrit shows the form of a criterion of the request's extension e,
// with the schedules to choose from.
func (c *Console) showCrit(w http.ResponseWriter, r *http.Request, s *session, status int, e config.Extension, f *critForm) {
	scheds, err := all[config.Schedule](c, r, s, "schedules", "name")
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	f.ExtID, f.Number, f.Schedules = strconv.FormatInt(e.ID, 10), e.Number, scheds.Items
	title := "New criterion for " + e.Number
	if f.ID != "" {
		title = "Criterion " + f.ID + " of " + e.Number
	}
	c.formPage(w, status, s, "criterion", "extensions", title, f)
}

// critRefused shows the form again with the API's errors, or an error
// page when the API failed otherwise.
func (c *Console) critRefused(w http.ResponseWriter, r *http.Request, s *session, e config.Extension, f *critForm, err error) {
	p, ok := err.(*apiError)
	if !ok || (p.Status != http.StatusBadRequest && p.Status != http.StatusUnprocessableEntity) {
		c.apiFailure(w, s, err)
		return
	}
	f.failed(p)
	c.showCrit(w, r, s, p.Status, e, f)
}

func (c *Console) critNew(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	c.showCrit(w, r, s, http.StatusOK, e, &critForm{CallsFrom: "ANY_PHONE_NUMBER"})
}

func (c *Console) critEdit(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	var cr config.Criterion
	if err := c.call(r.Context(), s, "GET", seqBase(e.Number)+"/criteria/"+url.PathEscape(r.PathValue("cid")), nil, &cr); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	c.showCrit(w, r, s, http.StatusOK, e, critFormOf(cr))
}

func (c *Console) critCreate(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	f := readCritForm(r)
	doc := map[string]any{}
	f.apply(doc)
	if err := c.call(r.Context(), s, "POST", seqBase(e.Number)+"/criteria", doc, nil); err != nil {
		c.critRefused(w, r, s, e, f, err)
		return
	}
	http.Redirect(w, r, "/ui/extensions/"+url.PathEscape(r.PathValue("id"))+"/sequential_ring?saved=criterion", http.StatusSeeOther)
}

func (c *Console) critUpdate(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	f := readCritForm(r)
	f.ID = r.PathValue("cid")
	c.updateThrough(w, r, s, "extensions/"+url.PathEscape(e.Number)+"/sequential_ring/criteria", f.ID, f.apply,
		func(err error) { c.critRefused(w, r, s, e, f, err) },
		"/ui/extensions/"+url.PathEscape(r.PathValue("id"))+"/sequential_ring?saved=criterion")
}

func (c *Console) critDelete(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.extensionOf(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	if err := c.call(r.Context(), s, "DELETE", seqBase(e.Number)+"/criteria/"+url.PathEscape(r.PathValue("cid")), nil, nil); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	http.Redirect(w, r, "/ui/extensions/"+url.PathEscape(r.PathValue("id"))+"/sequential_ring?deleted=criterion", http.StatusSeeOther)
}
