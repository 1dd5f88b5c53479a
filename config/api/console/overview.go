package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine/cdr"
)

// memberState is an extension's state as GET /api/v1/members gives it.
type memberState struct {
	Extension string `json:"extension"`
	State     string `json:"state"`
}

// groupNow is a ring group's line on the overview: its calls now, today's
// answered and missed calls, its members and their states.
type groupNow struct {
	Number    string `json:"number"`
	Name      string `json:"name"`
	Ringing   int    `json:"ringing"`
	Connected int    `json:"connected"`
	Answered  int    `json:"answered"`
	Missed    int    `json:"missed"`
	Members   string `json:"members"` // "1001 Alice: available; 1002 Bob: ringing"
}

// memberNow is an extension's state on the overview.
type memberNow struct {
	Number string `json:"number"`
	Name   string `json:"name"`
	State  string `json:"state"`
}

// snapshot is what the overview shows, and what /ui/events sends.
type snapshot struct {
	Groups        []groupNow     `json:"groups"`
	Calls         []cdr.LiveCall `json:"calls"`
	Registrations []registration `json:"registrations"`
	Members       []memberNow    `json:"members"`
}

// stateNames are the overview's words for GET /api/v1/members' states.
var stateNames = map[string]string{"on_call": "on a call", "wrap_up": "wrap-up", "dnd": "DND", "logged_out": "logged out"}

// snapshot reads the live views and the configuration through the API.
func (c *Console) snapshot(r *http.Request, s *session) (*snapshot, error) {
	var calls list[cdr.LiveCall]
	var regs list[registration]
	var states list[memberState]
	for _, q := range []struct {
		path string
		out  any
	}{{"/api/v1/calls", &calls}, {"/api/v1/registrations", &regs}, {"/api/v1/members", &states}} {
		if err := c.call(r.Context(), s, "GET", q.path, nil, q.out); err != nil {
			return nil, err
		}
	}
	groups, err := all[config.RingGroup](c, r, s, "ring_groups", "number")
	if err != nil {
		return nil, err
	}
	exts, err := all[config.Extension](c, r, s, "extensions", "number")
	if err != nil {
		return nil, err
	}
	extGroups, err := all[config.ExtensionGroup](c, r, s, "extension_groups", "name")
	if err != nil {
		return nil, err
	}
	today, err := c.todayCounts(r, s, groups.Items)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{Calls: calls.Items, Registrations: regs.Items, Groups: []groupNow{}, Members: []memberNow{}}
	if snap.Calls == nil {
		snap.Calls = []cdr.LiveCall{}
	}
	if snap.Registrations == nil {
		snap.Registrations = []registration{}
	}

	ringing := map[string]bool{}
	for _, call := range snap.Calls {
		for _, e := range call.Ringing {
			ringing[e] = true
		}
	}
	registered := map[string]bool{}
	for _, reg := range snap.Registrations {
		registered[reg.Extension] = true
	}
	routing := map[string]string{}
	for _, st := range states.Items {
		routing[st.Extension] = st.State
	}
	byNumber := map[string]memberNow{}
	for _, e := range exts.Items {
		m := memberNow{Number: e.Number, Name: e.Name}
		switch st := routing[e.Number]; {
		case e.DND:
			m.State = "DND"
		case e.LoggedOut:
			m.State = "logged out"
		case st == "on_call":
			m.State = stateNames[st]
		case ringing[e.Number]:
			m.State = "ringing"
		case !registered[e.Number] && e.Contact == "":
			m.State = "offline"
		case st == "wrap_up":
			m.State = stateNames[st]
		default:
			m.State = "available"
		}
		snap.Members = append(snap.Members, m)
		byNumber[e.Number] = m
	}

	expand := map[string][]string{}
	for _, g := range extGroups.Items {
		expand[g.Name] = g.Extensions
	}
	for _, g := range groups.Items {
		now := groupNow{Number: g.Number, Name: g.Name, Answered: today[g.Number].answered, Missed: today[g.Number].missed}
		for _, call := range snap.Calls {
			switch {
			case call.Group != g.Number:
			case call.Connected:
				now.Connected++
			default:
				now.Ringing++
			}
		}
		var members []string
		for _, number := range memberNumbers(g, expand) {
			m := byNumber[number]
			members = append(members, strings.TrimSpace(number+" "+m.Name)+": "+m.State)
		}
		now.Members = strings.Join(members, "; ")
		snap.Groups = append(snap.Groups, now)
	}
	return snap, nil
}

// memberNumbers lists a ring group's members' extensions in order, its
// extension groups expanded, each once.
func memberNumbers(g config.RingGroup, expand map[string][]string) []string {
	var out []string
	for _, m := range g.Members {
		numbers := []string{m.Extension}
		if m.ExtGroup != "" {
			numbers = expand[m.ExtGroup]
		}
		for _, n := range numbers {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// dayCount is a group's answered and missed calls today.
type dayCount struct{ answered, missed int }

// countsFresh is how long today's counts are reused: the overview is read
// four times a second by every open page, the counts need two store
// queries per group; with the events' minGap a call's record still shows
// within a second.
const countsFresh = 500 * time.Millisecond

// todayCounts counts each group's records since local midnight: answered,
// and missed (every other outcome).
func (c *Console) todayCounts(r *http.Request, s *session, groups []config.RingGroup) (map[string]dayCount, error) {
	now := c.now()
	c.mu.Lock()
	if now.Sub(c.countsAt) < countsFresh && c.counts != nil {
		counts := c.counts
		c.mu.Unlock()
		return counts, nil
	}
	c.mu.Unlock()
	y, m, d := now.Date()
	since := time.Date(y, m, d, 0, 0, 0, 0, now.Location()).Format(time.RFC3339)
	counts := map[string]dayCount{}
	for _, g := range groups {
		var all, answered list[cdr.Record]
		q := url.Values{"group": {g.Number}, "since": {since}, "top": {"1"}}
		if err := c.call(r.Context(), s, "GET", "/api/v1/cdr?"+q.Encode(), nil, &all); err != nil {
			return nil, err
		}
		q.Set("outcome", "answered")
		if err := c.call(r.Context(), s, "GET", "/api/v1/cdr?"+q.Encode(), nil, &answered); err != nil {
			return nil, err
		}
		counts[g.Number] = dayCount{answered: answered.Count, missed: all.Count - answered.Count}
	}
	c.mu.Lock()
	c.counts, c.countsAt = counts, now
	c.mu.Unlock()
	return counts, nil
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	snap, err := c.snapshot(r, s)
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	c.signedPage(w, http.StatusOK, s, "overview", "Overview", snap)
}
