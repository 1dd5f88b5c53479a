package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// resource is one native CRUD collection (ring groups, extensions,
// extension groups, schedules) over the live configuration.
type resource[T any] struct {
	name    string // URL segment and config-file section: "ring_groups"
	schema  string // OpenAPI schema name: "RingGroup"
	kind    store.Kind
	list    func(d *store.Data) *[]T
	id      func(*T) *int64
	key     func(T) string                        // number or name
	fields  []string                              // filter / orderby fields
	fresh   func() T                              // a new object with the defaults of SPEC §3
	byKey   bool                                  // {id} may also be the key (extensions: the number)
	claimed func(d *store.Data, v T) string       // who else holds v's key ("" when free)
	users   func(d *store.Data, v T) []string     // who refers to v (blocks a delete)
	check   func(d *store.Data, v T) []FieldError // checks beyond the config file's
	secret  *writeOnly[T]                         // a field reads never show (nil: none)
}

// shown is what reads show of v.
func (rs *resource[T]) shown(v T) any {
	if rs.secret == nil {
		return v
	}
	return rs.secret.view(v)
}

// maps is what a list shows of the objects, as JSON objects.
func (rs *resource[T]) maps(list []T) []map[string]any {
	if rs.secret == nil {
		return asMaps(list)
	}
	out := make([]map[string]any, len(list))
	for i, v := range list {
		out[i] = rs.secret.view(v)
	}
	return out
}

// decodeBody reads a written object into v.
func (rs *resource[T]) decodeBody(w http.ResponseWriter, r *http.Request, v *T) *Problem {
	if rs.secret == nil {
		return decode(w, r, v)
	}
	return decodeWithout(w, r, v, rs.secret.shown)
}

func (rs *resource[T]) routes(s *Server) {
	base := "/api/v1/" + rs.name
	s.handle("GET "+base, "List "+rs.name+" (filter, search, orderby, skip, top)", "", "List", rs.listHandler(s))
	s.handle("POST "+base, "Create one of "+rs.name, rs.schema, "Created", rs.create(s))
	s.handle("GET "+base+"/{id}", "Get one of "+rs.name, "", rs.schema, rs.get(s))
	s.handle("PUT "+base+"/{id}", "Replace one of "+rs.name, rs.schema, rs.schema, rs.update(s))
	s.handle("DELETE "+base+"/{id}", "Delete one of "+rs.name, "", "", rs.remove(s))
}

func (rs *resource[T]) listHandler(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lq, p := parseList(r.URL.Query(), rs.fields)
		if p != nil {
			writeProblem(w, p)
			return
		}
		var items []map[string]any
		s.live.Read(func(d *store.Data, _ *config.Config) { items = rs.maps(*rs.list(d)) })
		n, page := lq.apply(items)
		writeJSON(w, http.StatusOK, map[string]any{"count": n, "items": page})
	}
}

// find returns the index of the object {id} names, or -1.
func (rs *resource[T]) find(list []T, ref string) int {
	if rs.byKey {
		if i := slices.IndexFunc(list, func(v T) bool { return rs.key(v) == ref }); i >= 0 {
			return i
		}
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return -1
	}
	return slices.IndexFunc(list, func(v T) bool { return *rs.id(&v) == id })
}

func (rs *resource[T]) get(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var v T
		found := false
		s.live.Read(func(d *store.Data, _ *config.Config) {
			if i := rs.find(*rs.list(d), r.PathValue("id")); i >= 0 {
				v, found = (*rs.list(d))[i], true
			}
		})
		if !found {
			writeProblem(w, rs.notFound(r.PathValue("id")))
			return
		}
		writeJSON(w, http.StatusOK, rs.shown(v))
	}
}

func (rs *resource[T]) notFound(ref string) *Problem {
	return problem(http.StatusNotFound, "no such "+strings.TrimSuffix(rs.name, "s")+": "+ref)
}

func (rs *resource[T]) create(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := rs.fresh()
		if p := rs.decodeBody(w, r, &v); p != nil {
			writeProblem(w, p)
			return
		}
		var id int64
		err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
			list := rs.list(d)
			*rs.id(&v) = live.NextID(*list, rs.id)
			id = *rs.id(&v)
			if p := rs.admit(d, v); p != nil {
				return nil, p
			}
			*list = append(*list, v)
			return []store.Change{{Kind: rs.kind, ID: id, Doc: v}}, nil
		})
		if err != nil {
			writeProblem(w, rs.failure(err, s, id))
			return
		}
		writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
	}
}

func (rs *resource[T]) update(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := rs.fresh()
		if p := rs.decodeBody(w, r, &v); p != nil {
			writeProblem(w, p)
			return
		}
		var id int64
		err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
			list := rs.list(d)
			i := rs.find(*list, r.PathValue("id"))
			if i < 0 {
				return nil, rs.notFound(r.PathValue("id"))
			}
			id = *rs.id(&(*list)[i])
			*rs.id(&v) = id
			if rs.secret != nil {
				rs.secret.keep((*list)[i], &v)
			}
			(*list)[i] = v // in place first, so that the key check sees the old one gone
			if p := rs.admit(d, v); p != nil {
				return nil, p
			}
			return []store.Change{{Kind: rs.kind, ID: id, Doc: v}}, nil
		})
		if err != nil {
			writeProblem(w, rs.failure(err, s, id))
			return
		}
		writeJSON(w, http.StatusOK, rs.shown(v))
	}
}

func (rs *resource[T]) remove(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := s.live.Mutate(r.Context(), func(d *store.Data) ([]store.Change, error) {
			list := rs.list(d)
			i := rs.find(*list, r.PathValue("id"))
			if i < 0 {
				return nil, rs.notFound(r.PathValue("id"))
			}
			v := (*list)[i]
			if rs.users != nil {
				if users := rs.users(d, v); len(users) > 0 {
					return nil, problem(http.StatusConflict, rs.key(v)+" is still used by "+strings.Join(users, ", "))
				}
			}
			*list = slices.Delete(*list, i, i+1)
			return []store.Change{{Kind: rs.kind, ID: *rs.id(&v)}}, nil
		})
		if err != nil {
			writeProblem(w, rs.failure(err, s, 0))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// admit checks a new or replaced object before validation: its key must be
// free (409) and the resource's own checks pass (422).
func (rs *resource[T]) admit(d *store.Data, v T) *Problem {
	if rs.claimed != nil {
		if who := rs.claimed(d, v); who != "" {
			return problem(http.StatusConflict, strconv.Quote(rs.key(v))+" is already used by "+who)
		}
	}
	if rs.check != nil {
		if errs := rs.check(d, v); len(errs) > 0 {
			return problem(http.StatusUnprocessableEntity, "validation failed", errs...)
		}
	}
	return nil
}

// failure turns a Mutate error into a problem. Validation problems of the
// object itself lose their section prefix (ring_groups[3].members[0] ->
// members[0]); problems elsewhere keep their full path.
func (rs *resource[T]) failure(err error, s *Server, id int64) *Problem {
	var inv *live.Invalid
	if errors.As(err, &inv) {
		return invalidProblem(inv, rs.name+"["+strconv.Itoa(rs.index(s, id))+"].")
	}
	return simpleFailure(err)
}

// index is the position the object with this ID takes in the data Mutate
// tried: the current list, or the end for a new object.
func (rs *resource[T]) index(s *Server, id int64) int {
	i := -1
	s.live.Read(func(d *store.Data, _ *config.Config) {
		list := *rs.list(d)
		i = slices.IndexFunc(list, func(v T) bool { return *rs.id(&v) == id })
		if i < 0 {
			i = len(list)
		}
	})
	return i
}
