package api

import (
	"net/http"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/store"
)

// A workspace's sequential-ring settings through the Webex façade.

func (s *Server) webexGetSequentialRing(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	var out compat.WebexSequentialRing
	found := false
	s.live.Read(func(d *store.Data, _ *config.Config) {
		if found = extensionExists(d, number); found {
			sr, _ := sequentialRingOf(d, number)
			out = compat.ToWebexSequentialRing(sr, criteriaOf(d, number))
		}
	})
	if !found {
		writeProblem(w, noWorkspace(number))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// webexPutSequentialRing lays the body over the stored settings (absent
// keys keep their values) and stores them like the native PUT.
func (s *Server) webexPutSequentialRing(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	body, p := webexBody(w, r, &compat.WebexSequentialRing{})
	if p != nil {
		writeProblem(w, p)
		return
	}
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		if !extensionExists(d, number) {
			return nil, noWorkspace(number)
		}
		cur, _ := sequentialRingOf(d, number)
		in, errs := compat.WebexSequentialRingUpdate(cur, body)
		if p := webexInvalid(errs, checkSequentialRing(d, in)); p != nil {
			return nil, p
		}
		in.Extension = number
		return []store.Change{storeSequentialRing(d, &in)}, nil
	})
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
