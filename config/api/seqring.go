package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// Sequential ring and its criteria, per extension (SPEC §5, §8). They are
// stored and validated here; ringing by them is the schedules issue.
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

// extensionExists reports whether number is an extension.
func extensionExists(d *store.Data, number string) bool {
	return slices.ContainsFunc(d.Extensions, func(e config.Extension) bool { return e.Number == number })
}

func noExtension(number string) *Problem {
	return problem(http.StatusNotFound, "no such extension: "+number)
}

// SequentialRingOf returns an extension's settings, or the default (off).
func sequentialRingOf(d *store.Data, number string) (config.SequentialRing, int) {
	i := slices.IndexFunc(d.SequentialRings, func(r config.SequentialRing) bool { return r.Extension == number })
	if i < 0 {
		return config.SequentialRing{Extension: number, Numbers: []config.SeqNumber{}}, -1
	}
	return d.SequentialRings[i], i
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

// storeSequentialRing puts an extension's settings in place of its
// current ones (keeping their ID) or adds them, and returns the change.
func storeSequentialRing(d *store.Data, in *config.SequentialRing) store.Change {
	if cur, i := sequentialRingOf(d, in.Extension); i >= 0 {
		in.ID = cur.ID
		d.SequentialRings[i] = *in
	} else {
		in.ID = nextID(d.SequentialRings, func(v *config.SequentialRing) *int64 { return &v.ID })
		d.SequentialRings = append(d.SequentialRings, *in)
	}
	return store.Change{Kind: store.KindSequentialRing, ID: in.ID, Doc: *in}
}

// checkSequentialRing applies SPEC §5: at most 5 numbers, each an
// extension number or an E.164 number, ring times 1-600 s.
func checkSequentialRing(d *store.Data, in config.SequentialRing) []FieldError {
	var errs []FieldError
	if in.BaseRingTime < 0 || in.BaseRingTime > 600 {
		errs = append(errs, FieldError{"base_ring_time", "must be 0-600 s"})
	}
	if len(in.Numbers) > config.MaxSeqNumbers {
		errs = append(errs, FieldError{"numbers", "at most 5 numbers"})
	}
	for i, n := range in.Numbers {
		at := "numbers[" + strconv.Itoa(i) + "]"
		if !phoneNumber(d, n.Number) {
			errs = append(errs, FieldError{at + ".number", "must be an extension number or an E.164 number like +33123456789, got " + strconv.Quote(n.Number)})
		}
		if n.RingTime < 1 || n.RingTime > 600 {
			errs = append(errs, FieldError{at + ".ring_time", "must be 1-600 s"})
		}
	}
	return errs
}

// phoneNumber reports whether s is an extension's number or an E.164
// number (+, a country code not starting with 0, at most 15 digits).
func phoneNumber(d *store.Data, s string) bool {
	if extensionExists(d, s) {
		return true
	}
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || len(digits) < 2 || len(digits) > 15 || digits[0] == '0' {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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

// findCriterion returns the index of criterion {id} of extension number, or -1.
func findCriterion(d *store.Data, number, ref string) int {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return -1
	}
	return slices.IndexFunc(d.Criteria, func(c config.Criterion) bool { return c.ID == id && c.Extension == number })
}

func noCriterion(ref string) *Problem { return problem(http.StatusNotFound, "no such criterion: "+ref) }

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
			in.ID = nextID(d.Criteria, func(v *config.Criterion) *int64 { return &v.ID })
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

// CriterionChecks applies SPEC §5 to a criterion.
func checkCriterion(d *store.Data, c config.Criterion) []FieldError {
	var errs []FieldError
	if c.RingEnabled == nil {
		errs = append(errs, FieldError{"ring_enabled", "required"})
	}
	switch c.CallsFrom {
	case "ANY_PHONE_NUMBER":
	case "SELECT_PHONE_NUMBERS":
		if len(c.PhoneNumbers) == 0 && !c.AnonymousCallersEnabled && !c.UnavailableCallersEnabled {
			errs = append(errs, FieldError{"phone_numbers", "required when calls_from is SELECT_PHONE_NUMBERS (or enable anonymous / unavailable callers)"})
		}
	default:
		errs = append(errs, FieldError{"calls_from", "must be ANY_PHONE_NUMBER or SELECT_PHONE_NUMBERS"})
	}
	if i := slices.IndexFunc(d.Schedules, func(s config.Schedule) bool { return s.Name == c.ScheduleName }); c.ScheduleName != "" && i < 0 {
		errs = append(errs, FieldError{"schedule_name", "unknown schedule " + strconv.Quote(c.ScheduleName)})
	} else if c.ScheduleName != "" && c.ScheduleType != "" && d.Schedules[i].Type != c.ScheduleType {
		errs = append(errs, FieldError{"schedule_type", "schedule " + strconv.Quote(c.ScheduleName) + " is a " + d.Schedules[i].Type + " schedule"})
	}
	if c.ScheduleType != "" && c.ScheduleType != "business_hours" && c.ScheduleType != "holidays" {
		errs = append(errs, FieldError{"schedule_type", "must be business_hours or holidays"})
	}
	if c.ScheduleLevel != "" && c.ScheduleLevel != "GROUP" {
		errs = append(errs, FieldError{"schedule_level", "must be GROUP"})
	}
	for i, n := range c.PhoneNumbers {
		if !phoneNumber(d, n) {
			errs = append(errs, FieldError{"phone_numbers[" + strconv.Itoa(i) + "]", "must be an extension number or an E.164 number like +33123456789"})
		}
	}
	return errs
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
