package api

import (
	"net/http"
	"slices"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// Sequential ring and its criteria, per extension (SPEC §5, §8). They are
// checked and stored here, and reach the engine through config's Spec.
func (s *Server) sequentialRingRoutes() {
	base := "/api/v1/extensions/{number}/sequential_ring"
	s.handle("GET "+base, "An extension's sequential-ring settings", "", "SequentialRing", s.getSequentialRing)
	s.handle("PUT "+base, "Replace an extension's sequential-ring settings", "SequentialRing", "SequentialRing", s.putSequentialRing)
	s.handle("GET "+base+"/criteria", "List an extension's sequential-ring criteria", "", "List", s.listCriteria)
	s.handle("POST "+base+"/criteria", "Add a sequential-ring criterion", "Criterion", "Created", s.createCriterion)
	s.handle("GET "+base+"/criteria/{id}", "Get a sequential-ring criterion", "", "Criterion", s.getCriterion)
	s.handle("PUT "+base+"/criteria/{id}", "Replace a sequential-ring criterion", "Criterion", "Criterion", s.putCriterion)
	s.handle("DELETE "+base+"/criteria/{id}", "Delete a sequential-ring criterion", "", "", s.deleteCriterion)
}

func (s *Server) getSequentialRing(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	var out config.SequentialRing
	found := false
	s.live.Read(func(d *store.Data, _ *config.Config) {
		if found = extensionExists(d, number); found {
			out, _ = sequentialRingOf(d, number)
		}
	})
	if !found {
		writeProblem(w, noExtension(number))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putSequentialRing(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	var in config.SequentialRing
	if p := decode(w, r, &in); p != nil {
		writeProblem(w, p)
		return
	}
	in.Extension = number
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		if !extensionExists(d, number) {
			return nil, noExtension(number)
		}
		if errs := checkSequentialRing(d, in); len(errs) > 0 {
			return nil, problem(http.StatusUnprocessableEntity, "validation failed", errs...)
		}
		return []store.Change{storeSequentialRing(d, &in)}, nil
	})
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	writeJSON(w, http.StatusOK, in)
}

func (s *Server) listCriteria(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	var items []config.Criterion
	found := false
	s.live.Read(func(d *store.Data, _ *config.Config) {
		if found = extensionExists(d, number); found {
			for _, c := range d.Criteria {
				if c.Extension == number {
					items = append(items, c)
				}
			}
		}
	})
	if !found {
		writeProblem(w, noExtension(number))
		return
	}
	if items == nil {
		items = []config.Criterion{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(items), "items": items})
}

func (s *Server) getCriterion(w http.ResponseWriter, r *http.Request) {
	var out config.Criterion
	found := false
	s.live.Read(func(d *store.Data, _ *config.Config) {
		if i := findCriterion(d, r.PathValue("number"), r.PathValue("id")); i >= 0 {
			out, found = d.Criteria[i], true
		}
	})
	if !found {
		writeProblem(w, noCriterion(r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createCriterion(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	var in config.Criterion
	if p := decode(w, r, &in); p != nil {
		writeProblem(w, p)
		return
	}
	in.Extension = number
	id, err := s.saveCriterion(r, in, "")
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (s *Server) putCriterion(w http.ResponseWriter, r *http.Request) {
	var in config.Criterion
	if p := decode(w, r, &in); p != nil {
		writeProblem(w, p)
		return
	}
	in.Extension = r.PathValue("number")
	if _, err := s.saveCriterion(r, in, r.PathValue("id")); err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	s.getCriterion(w, r)
}

// saveCriterion checks and stores a criterion: new when ref is "", else
// replacing criterion ref. It returns the criterion's ID.
func (s *Server) saveCriterion(r *http.Request, in config.Criterion, ref string) (int64, error) {
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		if !extensionExists(d, in.Extension) {
			return nil, noExtension(in.Extension)
		}
		if errs := checkCriterion(d, in); len(errs) > 0 {
			return nil, problem(http.StatusUnprocessableEntity, "validation failed", errs...)
		}
		if ref == "" {
			in.ID = live.NextID(d.Criteria, func(v *config.Criterion) *int64 { return &v.ID })
			d.Criteria = append(d.Criteria, in)
		} else {
			i := findCriterion(d, in.Extension, ref)
			if i < 0 {
				return nil, noCriterion(ref)
			}
			in.ID = d.Criteria[i].ID
			d.Criteria[i] = in
		}
		return []store.Change{{Kind: store.KindCriterion, ID: in.ID, Doc: in}}, nil
	})
	return in.ID, err
}

func (s *Server) deleteCriterion(w http.ResponseWriter, r *http.Request) {
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		i := findCriterion(d, r.PathValue("number"), r.PathValue("id"))
		if i < 0 {
			return nil, noCriterion(r.PathValue("id"))
		}
		id := d.Criteria[i].ID
		d.Criteria = slices.Delete(d.Criteria, i, i+1)
		return []store.Change{{Kind: store.KindCriterion, ID: id}}, nil
	})
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
