package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// Changes through the Yeastar façade go through live.Mutate like the
// native ring-group handlers, with their rules: the number must be free
// (ringGroups.admit: no other group or extension holds it), the result
// must validate, and a group another one fails over to cannot be deleted.

// yeastarCreate serves ringgroup/create: {"id": N}.
func (s *Server) yeastarCreate(w http.ResponseWriter, r *http.Request) {
	body, p := readObject(w, r)
	if p != nil {
		writeYeastar(w, yeastarBodyError(p))
		return
	}
	var id int64
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		g, errs := compat.DecodeYeastarCreate(body, yeastarIDs{d})
		if len(errs) > 0 {
			return nil, &yeastarRefusal{compat.YeastarFieldErrors(errs)}
		}
		g.ID = live.NextID(d.RingGroups, ringGroups.id)
		id = g.ID
		if p := ringGroups.admit(d, g); p != nil {
			return nil, p
		}
		d.RingGroups = append(d.RingGroups, g)
		return []store.Change{{Kind: store.KindRingGroup, ID: id, Doc: g}}, nil
	})
	if err != nil {
		writeYeastar(w, s.yeastarFailure(err, id, compat.YeastarCodeDuplicateNumber, body))
		return
	}
	writeYeastar(w, compat.YeastarOK(map[string]any{"id": id}))
}

// yeastarUpdate serves ringgroup/update: the body's id names the group,
// and keys absent from the body keep their values (compat.YeastarUpdate).
func (s *Server) yeastarUpdate(w http.ResponseWriter, r *http.Request) {
	body, p := readObject(w, r)
	if p != nil {
		writeYeastar(w, yeastarBodyError(p))
		return
	}
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(body, &probe) // an object: readObject checked it
	id, errs := compat.ParseYeastarID(string(probe.ID))
	if len(errs) > 0 {
		writeYeastar(w, compat.YeastarFieldErrors(errs))
		return
	}
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		i := ringGroups.find(d.RingGroups, itoa(id))
		if i < 0 {
			return nil, ringGroups.notFound(itoa(id))
		}
		g, errs := compat.YeastarUpdate(d.RingGroups[i], body, yeastarIDs{d})
		if len(errs) > 0 {
			return nil, &yeastarRefusal{compat.YeastarFieldErrors(errs)}
		}
		d.RingGroups[i] = g // in place first, so that the number check sees the old one gone
		if p := ringGroups.admit(d, g); p != nil {
			return nil, p
		}
		return []store.Change{{Kind: store.KindRingGroup, ID: id, Doc: g}}, nil
	})
	if err != nil {
		writeYeastar(w, s.yeastarFailure(err, id, compat.YeastarCodeDuplicateNumber, body))
		return
	}
	writeYeastar(w, compat.YeastarOK(nil))
}

// yeastarDelete serves ringgroup/delete?id=.
func (s *Server) yeastarDelete(w http.ResponseWriter, r *http.Request) {
	id, errs := compat.ParseYeastarID(r.URL.Query().Get("id"))
	if len(errs) > 0 {
		writeYeastar(w, compat.YeastarFieldErrors(errs))
		return
	}
	err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
		i := ringGroups.find(d.RingGroups, itoa(id))
		if i < 0 {
			return nil, ringGroups.notFound(itoa(id))
		}
		if users := ringGroups.users(d, d.RingGroups[i]); len(users) > 0 {
			return nil, problem(http.StatusConflict, d.RingGroups[i].Number+" is still used by "+strings.Join(users, ", "))
		}
		d.RingGroups = slices.Delete(d.RingGroups, i, i+1)
		return []store.Change{{Kind: store.KindRingGroup, ID: id}}, nil
	})
	if err != nil {
		writeYeastar(w, s.yeastarFailure(err, id, compat.YeastarCodeInUse, nil))
		return
	}
	writeYeastar(w, compat.YeastarOK(nil))
}

// yeastarRefusal is a Mutate error that already is a Yeastar answer (the
// body could not be mapped).
type yeastarRefusal struct{ answer map[string]any }

func (e *yeastarRefusal) Error() string { return "yeastar: refused" }

// yeastarFailure turns a Mutate error of a change to ring group id into a
// Yeastar answer. conflict is the errcode of a 409: a taken number on
// create and update, a group still referred to on delete. Validation
// problems name Yeastar's fields, members by their place in body's
// member_list (compat.YeastarBodyField; body is nil for delete); problems
// about other objects keep their full native path.
func (s *Server) yeastarFailure(err error, id int64, conflict int, body []byte) map[string]any {
	var refusal *yeastarRefusal
	if errors.As(err, &refusal) {
		return refusal.answer
	}
	p := ringGroups.failure(err, s, id)
	switch p.Status {
	case http.StatusNotFound:
		return yeastarNotFound(id)
	case http.StatusConflict:
		return compat.YeastarError(conflict, compat.YeastarMessage(conflict)+": "+p.Detail)
	case http.StatusUnprocessableEntity:
		errs := make([]compat.FieldError, 0, len(p.Errors))
		for _, e := range p.Errors {
			field := e.Field
			if !strings.HasPrefix(field, "ring_groups[") { // another group's problem keeps its path
				field = compat.YeastarBodyField(field, body)
			}
			errs = append(errs, compat.FieldError{Field: field, Message: e.Message})
		}
		return compat.YeastarFieldErrors(errs)
	}
	return compat.YeastarError(compat.YeastarCodeInternal, compat.YeastarMessage(compat.YeastarCodeInternal)+": "+p.Detail)
}
