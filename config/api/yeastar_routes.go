package api

import (
	"net/http"
	"time"

	"github.com/ringd/ringd/config/api/compat"
)

// The Yeastar P-Series façade (SPEC §8): the ring-group part of Yeastar's
// Open API under /openapi/v1.0/, with the HTTP methods Yeastar documents
// (get_token, create and update POST; list, search, get, query and delete
// GET - delete by analogy with Yeastar's other modules, see compat's
// testdata/yeastar/README.md).
//
// Status codes: every answer of the façade is HTTP 200 with the Yeastar
// envelope, {"errcode":0,"errmsg":"SUCCESS",...} or a non-zero errcode
// (compat's YeastarCode* constants) - a missing or bad token, a body that
// is not JSON or is larger than 1 MiB, an unknown id and a store failure
// alike - because Yeastar clients read errcode, not the HTTP status. Only
// a path or method the façade does not serve gets the API's 404 problem.
const yeastarBase = "/openapi/v1.0/"

// yeastarNote ends the summary of every Yeastar endpoint in /openapi.json.
const yeastarNote = " (Yeastar P-Series; answers HTTP 200 with errcode/errmsg)"

func (s *Server) yeastarRoutes() {
	s.public("POST "+yeastarBase+"get_token", "Get an access token for an API user of http.users"+yeastarNote,
		"YeastarTokenRequest", "object", s.yeastarGetToken)
	rg := yeastarBase + "ringgroup/"
	s.yeastar("GET "+rg+"list", "List ring groups (page, page_size, sort_by, order_by)", "", s.yeastarList(false))
	s.yeastar("GET "+rg+"search", "Search ring groups by name or number (search_value, page, page_size, sort_by, order_by)", "", s.yeastarList(true))
	s.yeastar("GET "+rg+"get", "Get one ring group (id)", "", s.yeastarGet)
	s.yeastar("GET "+rg+"query", "Get ring groups by ids (ids=1,2)", "", s.yeastarQuery)
	s.yeastar("POST "+rg+"create", "Create a ring group; answers its id", "YeastarRingGroup", s.yeastarCreate)
	s.yeastar("POST "+rg+"update", "Update a ring group (the body's id; absent keys keep their values)", "YeastarRingGroup", s.yeastarUpdate)
	s.yeastar("GET "+rg+"delete", "Delete a ring group (id)", "", s.yeastarDelete)
}

// yeastar registers a Yeastar endpoint that needs a token. It is public
// to the native token check, whose answer is a 401 problem document: the
// façade checks the same tokens (static tokens and those of get_token,
// as access_token or a Bearer header) and answers in Yeastar's terms.
func (s *Server) yeastar(pattern, summary, request string, h http.HandlerFunc) {
	s.public(pattern, summary+"; needs access_token"+yeastarNote, request, "object", func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.authorized(r)
		if wait > 0 {
			yeastarTooManyFailures(w, wait)
			return
		}
		if !ok {
			msg := ""
			if token(r) == "" {
				msg = compat.YeastarMessage(compat.YeastarCodeInvalidToken) + ": access_token is required"
			}
			writeYeastar(w, compat.YeastarError(compat.YeastarCodeInvalidToken, msg))
			return
		}
		h(w, r)
	})
}

// yeastarGetToken issues a token to an API user (http.users): the Client
// ID and Client Secret of Yeastar's get_token are the user's name and
// password. ringd has no refresh tokens: refresh_token is "" and its
// lifetime 0, and a client asks get_token again when its token expires.
func (s *Server) yeastarGetToken(w http.ResponseWriter, r *http.Request) {
	body, p := readObject(w, r)
	if p != nil {
		writeYeastar(w, yeastarBodyError(p))
		return
	}
	req, errs := compat.DecodeYeastarTokenRequest(body)
	if len(errs) > 0 {
		writeYeastar(w, compat.YeastarFieldErrors(errs))
		return
	}
	addr := clientAddr(r)
	if wait := s.attempts.wait(addr); wait > 0 {
		yeastarTooManyFailures(w, wait)
		return
	}
	tok, _, ok := s.issue(req.Username, req.Password)
	s.attempts.note(addr, ok)
	if !ok {
		writeYeastar(w, compat.YeastarError(compat.YeastarCodeAuthFailed, ""))
		return
	}
	writeYeastar(w, compat.YeastarToken(tok, int(tokenLifetime/time.Second), "", 0))
}

// yeastarTooManyFailures answers, in Yeastar's terms with HTTP 429, a
// request from an address that must wait after too many failed sign-ins.
func yeastarTooManyFailures(w http.ResponseWriter, wait time.Duration) {
	p := tooManyFailures(w, wait)
	writeJSON(w, http.StatusTooManyRequests, compat.YeastarError(compat.YeastarCodeAuthFailed, p.Detail))
}
