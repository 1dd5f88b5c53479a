package api

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/store"
)

// yeastarList serves ringgroup/list and, with search, ringgroup/search:
// the groups' summaries (compat.ToYeastarInfo) filtered, ordered and paged
// by the native list machinery on the summaries' own keys, so sort_by
// ring_strategy orders by the strategy names the client sees. page counts
// from 1; page_size defaults to the native API's 100 (Yeastar requires
// both; ringd supplies defaults). sort_by defaults to id; search_value
// (search only) matches part of the name or number, case-insensitively.
func (s *Server) yeastarList(search bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, errs := compat.ParseYeastarListParams(r.URL.Query())
		if len(errs) > 0 {
			writeYeastar(w, compat.YeastarFieldErrors(errs))
			return
		}
		lq := listQuery{orderBy: "id", desc: p.OrderBy == "desc", top: defaultTop}
		if p.SortBy != "" {
			lq.orderBy = p.SortBy
		}
		if search {
			lq.search = strings.ToLower(p.SearchValue)
		}
		if p.PageSize > 0 {
			lq.top = p.PageSize
		}
		if p.Page > 1 {
			lq.skip = math.MaxInt
			if p.Page-1 <= math.MaxInt/lq.top {
				lq.skip = (p.Page - 1) * lq.top
			}
		}
		var infos []compat.YeastarRingGroupInfo
		s.live.Read(func(d *store.Data, _ *config.Config) {
			for _, g := range d.RingGroups {
				infos = append(infos, compat.ToYeastarInfo(g, g.ID))
			}
		})
		n, page := lq.apply(asMaps(infos))
		writeYeastar(w, compat.YeastarOK(map[string]any{"total_number": n, "data": page}))
	}
}

// yeastarGet serves ringgroup/get?id=: {"data": {group}}.
func (s *Server) yeastarGet(w http.ResponseWriter, r *http.Request) {
	id, errs := compat.ParseYeastarID(r.URL.Query().Get("id"))
	if len(errs) > 0 {
		writeYeastar(w, compat.YeastarFieldErrors(errs))
		return
	}
	groups, missing := s.yeastarGroups([]int64{id})
	if missing != 0 {
		writeYeastar(w, yeastarNotFound(missing))
		return
	}
	writeYeastar(w, compat.YeastarOK(map[string]any{"data": groups[0]}))
}

// yeastarQuery serves ringgroup/query?ids=1,2: {"data": [groups]} in the
// order of ids; an unknown id fails the whole query.
func (s *Server) yeastarQuery(w http.ResponseWriter, r *http.Request) {
	ids, errs := compat.ParseYeastarIDs(r.URL.Query().Get("ids"))
	if len(errs) > 0 {
		writeYeastar(w, compat.YeastarFieldErrors(errs))
		return
	}
	groups, missing := s.yeastarGroups(ids)
	if missing != 0 {
		writeYeastar(w, yeastarNotFound(missing))
		return
	}
	writeYeastar(w, compat.YeastarOK(map[string]any{"data": groups}))
}

// yeastarGroups renders the groups with these ids as Yeastar sees them,
// or names the first id that is not a group.
func (s *Server) yeastarGroups(ids []int64) (out []compat.YeastarRingGroup, missing int64) {
	s.live.Read(func(d *store.Data, _ *config.Config) {
		for _, id := range ids {
			i := slices.IndexFunc(d.RingGroups, func(g config.RingGroup) bool { return g.ID == id })
			if i < 0 {
				missing = id
				return
			}
			out = append(out, compat.ToYeastarIDs(d.RingGroups[i], id, yeastarIDs{d}))
		}
	})
	return out, missing
}
