package api

import (
	"net/http"
	"strconv"

	"github.com/ringd/ringd/config/api/compat"
)

// Every answer of the Yeastar façade is HTTP 200 with Yeastar's envelope
// (see yeastarBase); these are the answers its handlers share.

// writeYeastar writes a Yeastar answer.
func writeYeastar(w http.ResponseWriter, body map[string]any) { writeJSON(w, http.StatusOK, body) }

// yeastarBodyError is the answer for a body readObject refused.
func yeastarBodyError(p *Problem) map[string]any {
	return compat.YeastarError(compat.YeastarCodeMalformedBody, compat.YeastarMessage(compat.YeastarCodeMalformedBody)+": "+p.Detail)
}

// yeastarNotFound is the answer for an id that is not a ring group.
func yeastarNotFound(id int64) map[string]any {
	return compat.YeastarError(compat.YeastarCodeNotFound, compat.YeastarMessage(compat.YeastarCodeNotFound)+": id "+strconv.FormatInt(id, 10))
}
