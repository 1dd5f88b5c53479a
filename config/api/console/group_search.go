package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ringd/ringd/config"
)

// groupSearch is the ring groups list's search form (a GET form, applied
// here on the server, so it works without JavaScript): Q matches a
// group's number or name, or one of its members - an extension number,
// also one inside a member extension group, or @ and the extension
// group's name -, without regard to case; Strategy keeps the groups of
// that strategy.
type groupSearch struct {
	Q, Strategy string
	Strategies  []strategy // the select's choices
	Total       int        // the groups in all, before the search
}

// Active reports whether the search leaves any group out.
func (gs groupSearch) Active() bool { return gs.Q != "" || gs.Strategy != "" }

// searchGroups applies the request's search to the groups, reading the
// extension groups when there is text to match members with.
func (c *Console) searchGroups(r *http.Request, s *session, groups list[config.RingGroup]) (list[config.RingGroup], groupSearch, error) {
	q := r.URL.Query()
	gs := groupSearch{Q: strings.TrimSpace(q.Get("q")), Strategy: strings.TrimSpace(q.Get("strategy")), Strategies: strategies, Total: groups.Count}
	if !gs.Active() {
		return groups, gs, nil
	}
	inGroup := map[string][]string{} // extension group name: its extensions
	if gs.Q != "" {
		egs, err := all[config.ExtensionGroup](c, r, s, "extension_groups", "name")
		if err != nil {
			return groups, gs, err
		}
		for _, eg := range egs.Items {
			inGroup[eg.Name] = eg.Extensions
		}
	}
	shown := list[config.RingGroup]{Items: []config.RingGroup{}}
	for _, g := range groups.Items {
		if (gs.Strategy == "" || g.Strategy == gs.Strategy) && gs.matches(g, inGroup) {
			shown.Items = append(shown.Items, g)
		}
	}
	shown.Count = len(shown.Items)
	return shown, gs, nil
}

func (gs groupSearch) matches(g config.RingGroup, inGroup map[string][]string) bool {
	if gs.Q == "" {
		return true
	}
	q := strings.ToLower(gs.Q)
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	if has(g.Number) || has(g.Name) {
		return true
	}
	return slices.ContainsFunc(g.Members, func(m config.Member) bool {
		if m.ExtGroup == "" {
			return has(m.Extension)
		}
		return has("@"+m.ExtGroup) || slices.ContainsFunc(inGroup[m.ExtGroup], has)
	})
}
