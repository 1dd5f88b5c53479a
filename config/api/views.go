package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine/cdr"
)

// Live views: calls in progress, call records, registrations (SPEC §8).
func (s *Server) viewRoutes() {
	s.handle("GET /api/v1/calls", "Calls in progress", "", "List", func(w http.ResponseWriter, r *http.Request) {
		calls := s.rt.Calls()
		if calls == nil {
			calls = []cdr.LiveCall{}
		}
		slices.SortFunc(calls, func(a, b cdr.LiveCall) int { return a.Start.Compare(b.Start) })
		writeJSON(w, http.StatusOK, map[string]any{"count": len(calls), "items": calls})
	})
	s.handle("GET /api/v1/registrations", "Registered contacts", "", "List", func(w http.ResponseWriter, r *http.Request) {
		regs := s.rt.Registrations()
		if regs == nil {
			regs = []Registration{}
		}
		slices.SortFunc(regs, func(a, b Registration) int {
			if a.Extension != b.Extension {
				if a.Extension < b.Extension {
					return -1
				}
				return 1
			}
			return a.Expires.Compare(b.Expires)
		})
		writeJSON(w, http.StatusOK, map[string]any{"count": len(regs), "items": regs})
	})
	s.handle("GET /api/v1/members", "Every extension's state now: available, on_call, wrap_up (with wrap_up_until), dnd, logged_out, offline", "", "List", func(w http.ResponseWriter, r *http.Request) {
		ms := s.rt.Members()
		if ms == nil {
			ms = []MemberState{}
		}
		slices.SortFunc(ms, func(a, b MemberState) int { return strings.Compare(a.Extension, b.Extension) })
		writeJSON(w, http.StatusOK, map[string]any{"count": len(ms), "items": ms})
	})
	s.handle("GET /api/v1/bans", "Source addresses banned by the flood and scanner protection", "", "List", func(w http.ResponseWriter, r *http.Request) {
		bans := s.rt.Bans()
		if bans == nil {
			bans = []Ban{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(bans), "items": bans})
	})
	s.handle("DELETE /api/v1/bans/{source}", "Lift the ban of a source address", "", "", func(w http.ResponseWriter, r *http.Request) {
		ok, err := s.rt.Unban(r.PathValue("source"))
		switch {
		case err != nil:
			writeProblem(w, problem(http.StatusBadRequest, "not an IP address", FieldError{"source", "must be an IP address like 192.0.2.7"}))
		case !ok:
			writeProblem(w, problem(http.StatusNotFound, r.PathValue("source")+" is not banned"))
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	s.handle("GET /api/v1/cdr", "Call records (group, outcome, since, until, skip, top); CSV with Accept: text/csv", "", "List", s.listRecords)
	s.handle("GET /api/v1/extensions/{number}/missed_calls", "An extension's missed calls (record_missed)", "", "List", s.listMissed)
}

var outcomes = []string{"answered", "no_answer", "no_agent", "abandoned", "out_of_schedule", "failed"}

// listRecords answers GET /api/v1/cdr: JSON, or CSV when Accept prefers
// text/csv (cdr_csv.go).
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	recs, n, p := s.recordPage(r)
	switch {
	case p != nil:
		writeProblem(w, p)
	case wantsCSV(r):
		writeRecordsCSV(w, recs, n)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"count": n, "items": recs})
	}
}

// recordPage reads the call records a request's filters and paging select
// (group, outcome, since, until, skip, top), with the number of matches
// before paging, or the problem with its query.
func (s *Server) recordPage(r *http.Request) ([]cdr.Record, int, *Problem) {
	q := r.URL.Query()
	rq := store.RecordQuery{Group: q.Get("group"), Outcome: q.Get("outcome"), Top: defaultTop}
	var errs []FieldError
	if rq.Outcome != "" && !slices.Contains(outcomes, rq.Outcome) {
		errs = append(errs, FieldError{"outcome", "must be one of answered, no_answer, no_agent, abandoned, out_of_schedule, failed"})
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"since", &rq.Since}, {"until", &rq.Until}} {
		if v := q.Get(f.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				errs = append(errs, FieldError{f.name, "must be an RFC 3339 time like 2026-11-25T09:00:00Z"})
			}
			*f.dst = t
		}
	}
	for _, f := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"skip", &rq.Skip, 0, 1 << 30}, {"top", &rq.Top, 0, maxTop}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < f.min || n > f.max {
				errs = append(errs, FieldError{f.name, "must be a whole number " + strconv.Itoa(f.min) + "-" + strconv.Itoa(f.max)})
			}
			*f.dst = n
		}
	}
	if len(errs) > 0 {
		return nil, 0, problem(http.StatusBadRequest, "bad query parameters", errs...)
	}
	if rq.Top == 0 { // the store reads 0 as its default: ask for one and keep none
		_, n, err := s.live.Store().Records(r.Context(), store.RecordQuery{Group: rq.Group, Outcome: rq.Outcome, Since: rq.Since, Until: rq.Until, Top: 1})
		if err != nil {
			return nil, 0, simpleFailure(err)
		}
		return []cdr.Record{}, n, nil
	}
	recs, n, err := s.live.Store().Records(r.Context(), rq)
	if err != nil {
		return nil, 0, simpleFailure(err)
	}
	if recs == nil {
		recs = []cdr.Record{}
	}
	return recs, n, nil
}

func (s *Server) listMissed(w http.ResponseWriter, r *http.Request) {
	top := defaultTop
	if v := r.URL.Query().Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTop {
			writeProblem(w, problem(http.StatusBadRequest, "bad query parameters", FieldError{"top", "must be a whole number 1-100"}))
			return
		}
		top = n
	}
	ms, err := s.live.Store().MissedCalls(r.Context(), r.PathValue("number"), top)
	if err != nil {
		writeProblem(w, simpleFailure(err))
		return
	}
	if ms == nil {
		ms = []store.MissedCall{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(ms), "items": ms})
}
