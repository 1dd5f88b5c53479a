package api

import (
	"net/http"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// A workspace's sequential-ring criteria through the Webex façade (DELETE
// is the native handler: same path values, same answers).

func (s *Server) webexListCriteria(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	out := []compat.WebexCriterion{}
	found := false
	s.live.Read(func(d *store.Data, _ *config.Config) {
		if found = extensionExists(d, number); found {
			for _, c := range criteriaOf(d, number) {
				out = append(out, compat.ToWebexCriterion(c))
			}
		}
	})
	if !found {
		writeProblem(w, noWorkspace(number))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"criteria": out})
}

func (s *Server) webexGetCriterion(w http.ResponseWriter, r *http.Request) {
	number, ref := r.PathValue("number"), r.PathValue("id")
	var out compat.WebexCriterion
	var p *Problem
	s.live.Read(func(d *store.Data, _ *config.Config) {
		switch i := findCriterion(d, number, ref); {
		case !extensionExists(d, number):
			p = noWorkspace(number)
		case i < 0:
			p = noCriterion(ref)
		default:
			out = compat.ToWebexCriterion(d.Criteria[i])
		}
	})
	if p != nil {
		writeProblem(w, p)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) webexCreateCriterion(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	body, p := webexBody(w, r, &compat.WebexCriterion{})
	if p != nil {
		writeProblem(w, p)
		return
	}
	var id int64
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		if !extensionExists(d, number) {
			return nil, noWorkspace(number)
		}
		c, errs := compat.DecodeWebexCriterion(body, number)
		if p := webexInvalid(errs, checkCriterion(d, c)); p != nil {
			return nil, p
		}
		c.ID = live.NextID(d.Criteria, func(v *config.Criterion) *int64 { return &v.ID })
		id = c.ID
		d.Criteria = append(d.Criteria, c)
		return []store.Change{{Kind: store.KindCriterion, ID: id, Doc: c}}, nil
	})
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": itoa(id)})
}

// webexPutCriterion lays the body over the stored criterion (absent keys
// keep their values).
func (s *Server) webexPutCriterion(w http.ResponseWriter, r *http.Request) {
	number, ref := r.PathValue("number"), r.PathValue("id")
	body, p := webexBody(w, r, &compat.WebexCriterion{})
	if p != nil {
		writeProblem(w, p)
		return
	}
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		if !extensionExists(d, number) {
			return nil, noWorkspace(number)
		}
		i := findCriterion(d, number, ref)
		if i < 0 {
			return nil, noCriterion(ref)
		}
		c, errs := compat.WebexCriterionUpdate(d.Criteria[i], body)
		if p := webexInvalid(errs, checkCriterion(d, c)); p != nil {
			return nil, p
		}
		d.Criteria[i] = c
		return []store.Change{{Kind: store.KindCriterion, ID: c.ID, Doc: c}}, nil
	})
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
