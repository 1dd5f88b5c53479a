package console

import (
	"net/http"
)

// extLive is what an extension's page shows of it now: its registered
// contacts (GET /api/v1/registrations) and its state (GET
// /api/v1/members), as the SIP side reports them.
type extLive struct {
	Number        string
	Registrations []registration
	State         string // the API's name: available, on_call...; "" when not reported
	Error         string // the views could not be read
}

// stateText says a state of GET /api/v1/members in words.
var stateText = map[string]string{
	"available":  "available",
	"on_call":    "on a call (on any node of a cluster)",
	"wrap_up":    "wrapping up after a call",
	"dnd":        "do not disturb",
	"logged_out": "logged out of its ring groups",
	"offline":    "offline: no registration and no static contact",
}

// StateText is the state in words, or the API's name for one it does not know.
func (l *extLive) StateText() string {
	if l.State == "" {
		return "not reported"
	}
	if t, ok := stateText[l.State]; ok {
		return t
	}
	return l.State
}

// extLiveOf reads the live views for the extension the request's {id}
// names (the stored number: a refused edit may have a new one typed).
// A view that cannot be read is noted on the page, not an error page:
// the form stays usable.
func (c *Console) extLiveOf(r *http.Request, s *session) *extLive {
	e, err := c.extensionOf(r, s)
	if err != nil {
		return &extLive{Error: err.Error()}
	}
	l := &extLive{Number: e.Number}
	var regs list[registration]
	var states list[memberState]
	for _, q := range []struct {
		path string
		out  any
	}{{"/api/v1/registrations", &regs}, {"/api/v1/members", &states}} {
		if err := c.call(r.Context(), s, "GET", q.path, nil, q.out); err != nil {
			l.Error = err.Error()
			return l
		}
	}
	for _, reg := range regs.Items {
		if reg.Extension == e.Number {
			l.Registrations = append(l.Registrations, reg)
		}
	}
	for _, st := range states.Items {
		if st.Extension == e.Number {
			l.State = st.State
		}
	}
	return l
}
