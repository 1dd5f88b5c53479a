package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

// Call records as CSV (issue 18): GET /api/v1/cdr.csv, and GET /api/v1/cdr
// with Accept: text/csv. Both take the JSON view's filters and paging
// (recordPage) and the same token; a bad filter is still a problem+json.

// recordCSVRoutes registers GET /api/v1/cdr.csv.
func (s *Server) recordCSVRoutes() {
	s.handle("GET /api/v1/cdr.csv", "Call records as CSV (the filters and paging of GET /api/v1/cdr)", "", "CSV", func(w http.ResponseWriter, r *http.Request) {
		recs, n, p := s.recordPage(r)
		if p != nil {
			writeProblem(w, p)
			return
		}
		writeRecordsCSV(w, recs, n)
	})
}

// recordCSVHeader is the header row of the CSV view.
var recordCSVHeader = []string{
	"call_id", "group", "last_group", "caller", "start", "answer", "end",
	"outcome", "answered_by", "failover", "failover_to", "failover_reason",
	"missed", "legs", "leg_summary",
}

// writeRecordsCSV answers records as CSV: a header row always, then one
// row per record. X-Total-Count is every match before paging (the JSON
// view's count).
func writeRecordsCSV(w http.ResponseWriter, recs []cdr.Record, total int) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="ringd-cdr.csv"`)
	h.Set("X-Total-Count", strconv.Itoa(total))
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(w)
	_ = cw.Write(recordCSVHeader)
	for _, rec := range recs {
		_ = cw.Write(recordCSVRow(rec))
	}
	cw.Flush()
}

func recordCSVRow(rec cdr.Record) []string {
	return []string{
		rec.CallID, rec.Group, rec.LastGroup, rec.Caller,
		csvTime(rec.Start), csvTime(rec.Answer), csvTime(rec.End),
		rec.Outcome, rec.AnsweredBy, rec.Failover, rec.FailoverTo, rec.Reason,
		strings.Join(rec.Missed, " "),
		strconv.Itoa(len(rec.Legs)),
		legSummary(rec.Legs),
	}
}

// csvTime is an RFC 3339 UTC time (as in the JSON view), or "" for none.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// legSummary is the legs in one field: "1001@6000 487 cancelled;
// 1004 200 answered; sip:+33123456789@trunk 200 answered" - the
// extension@group (a failover leg has no group), or the URI of a leg to
// the trunk or a service, then the SIP code (when any) and the result.
func legSummary(legs []cdr.Leg) string {
	parts := make([]string, 0, len(legs))
	for _, l := range legs {
		var b strings.Builder
		switch {
		case l.URI != "":
			b.WriteString(l.URI)
		case l.Group != "":
			b.WriteString(l.Extension + "@" + l.Group)
		default:
			b.WriteString(l.Extension)
		}
		if l.Code != 0 {
			b.WriteString(" " + strconv.Itoa(l.Code))
		}
		if l.Result != "" {
			b.WriteString(" " + l.Result)
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "; ")
}

// wantsCSV tells whether the request's Accept header prefers text/csv to
// application/json (RFC 9110 §12.5.1: each type takes the quality of the
// most specific range matching it). Without Accept, or on a tie, the
// answer is JSON, unless text/csv is named outright and JSON only through
// a wildcard ("text/csv, */*").
func wantsCSV(r *http.Request) bool {
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return false
	}
	type match struct {
		q    float64
		spec int // 0 none, 1 */*, 2 type/*, 3 type/subtype
	}
	var csvM, jsonM match
	better := func(m *match, q float64, spec int) {
		if spec > m.spec {
			*m = match{q, spec}
		}
	}
	for _, part := range strings.Split(strings.Join(accept, ","), ",") {
		mt, params, _ := strings.Cut(part, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(p, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch mt {
		case "*/*":
			better(&csvM, q, 1)
			better(&jsonM, q, 1)
		case "text/*":
			better(&csvM, q, 2)
		case "application/*":
			better(&jsonM, q, 2)
		case "text/csv":
			better(&csvM, q, 3)
		case "application/json":
			better(&jsonM, q, 3)
		}
	}
	if csvM.spec == 0 || csvM.q == 0 {
		return false
	}
	if csvM.q != jsonM.q {
		return csvM.q > jsonM.q
	}
	return csvM.spec == 3 && jsonM.spec < 3
}
