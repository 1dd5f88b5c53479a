package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// Members of a ring group as a sub-resource (SPEC §8).
func (s *Server) memberRoutes() {
	base := "/api/v1/ring_groups/{id}/members"
	s.handle("GET "+base, "List a ring group's members", "", "List", func(w http.ResponseWriter, r *http.Request) {
		var members []config.Member
		found := false
		s.live.Read(func(d *store.Data, _ *config.Config) {
			if i := ringGroups.find(d.RingGroups, r.PathValue("id")); i >= 0 {
				members, found = d.RingGroups[i].Members, true
			}
		})
		if !found {
			writeProblem(w, ringGroups.notFound(r.PathValue("id")))
			return
		}
		if members == nil {
			members = []config.Member{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(members), "items": members})
	})
	s.handle("POST "+base, "Add a member to a ring group", "Member", "RingGroup", func(w http.ResponseWriter, r *http.Request) {
		var m config.Member
		if p := decode(w, r, &m); p != nil {
			writeProblem(w, p)
			return
		}
		s.editMembers(w, r, http.StatusCreated, func(g *config.RingGroup) *Problem {
			if slices.ContainsFunc(g.Members, func(x config.Member) bool { return x.Extension == m.Extension && x.ExtGroup == m.ExtGroup }) {
				return problem(http.StatusConflict, "already a member of ring group "+g.Number)
			}
			g.Members = append(g.Members, m)
			return nil
		})
	})
	s.handle("DELETE "+base+"/{ext}", "Remove a member (an extension number or extension group name)", "", "RingGroup", func(w http.ResponseWriter, r *http.Request) {
		ext := r.PathValue("ext")
		s.editMembers(w, r, http.StatusOK, func(g *config.RingGroup) *Problem {
			kept := slices.DeleteFunc(slices.Clone(g.Members), func(m config.Member) bool { return m.Extension == ext || m.ExtGroup == ext })
			if len(kept) == len(g.Members) {
				return problem(http.StatusNotFound, strconv.Quote(ext)+" is not a member of ring group "+g.Number)
			}
			g.Members = kept
			return nil
		})
	})
}

// editMembers changes one ring group's member list through Mutate and
// answers with the group.
func (s *Server) editMembers(w http.ResponseWriter, r *http.Request, status int, edit func(g *config.RingGroup) *Problem) {
	var out config.RingGroup
	var id int64
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		i := ringGroups.find(d.RingGroups, r.PathValue("id"))
		if i < 0 {
			return nil, ringGroups.notFound(r.PathValue("id"))
		}
		g := &d.RingGroups[i]
		id = g.ID
		if p := edit(g); p != nil {
			return nil, p
		}
		out = *g
		return []store.Change{{Kind: store.KindRingGroup, ID: g.ID, Doc: *g}}, nil
	})
	if err != nil {
		writeProblem(w, ringGroups.failure(err, s, id))
		return
	}
	writeJSON(w, status, out)
}
