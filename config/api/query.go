package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging limits of SPEC §8.
const (
	defaultTop = 100
	maxTop     = 100
)

// listQuery is a parsed ?filter=&search=&orderby=&skip=&top= (SPEC §8).
type listQuery struct {
	filters []condition
	search  string
	orderBy string
	desc    bool
	skip    int
	top     int
}

// condition is one "FIELD op VALUE" of a filter.
type condition struct {
	field, op, value string
}

var operators = []string{"eq", "ne", "gt", "ge", "lt", "le", "contains", "startswith"}

// parseList reads the list parameters; fields are the names a filter or
// orderby may use.
func parseList(q url.Values, fields []string) (listQuery, *Problem) {
	lq := listQuery{top: defaultTop, search: strings.ToLower(q.Get("search"))}
	var errs []FieldError
	if v := q.Get("skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, FieldError{"skip", "must be a whole number >= 0"})
		}
		lq.skip = n
	}
	if v := q.Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxTop {
			errs = append(errs, FieldError{"top", "must be a whole number 0-100"})
		}
		lq.top = n
	}
	if v := strings.TrimSpace(q.Get("orderby")); v != "" {
		f := strings.Fields(v)
		switch {
		case len(f) > 2 || len(f) == 2 && f[1] != "asc" && f[1] != "desc":
			errs = append(errs, FieldError{"orderby", "must be FIELD [asc|desc]"})
		case !slices.Contains(fields, f[0]):
			errs = append(errs, FieldError{"orderby", "unknown field " + strconv.Quote(f[0]) + " (one of " + strings.Join(fields, ", ") + ")"})
		default:
			lq.orderBy, lq.desc = f[0], len(f) == 2 && f[1] == "desc"
		}
	}
	if v := strings.TrimSpace(q.Get("filter")); v != "" {
		conds, msg := parseFilter(v, fields)
		if msg != "" {
			errs = append(errs, FieldError{"filter", msg})
		}
		lq.filters = conds
	}
	if len(errs) > 0 {
		return lq, problem(http.StatusBadRequest, "bad list parameters", errs...)
	}
	return lq, nil
}

// parseFilter reads `FIELD op VALUE [and FIELD op VALUE]...`; a VALUE with
// spaces is quoted with ' or ".
func parseFilter(s string, fields []string) ([]condition, string) {
	toks, msg := tokenize(s)
	if msg != "" {
		return nil, msg
	}
	var out []condition
	for i := 0; i < len(toks); {
		if len(toks)-i < 3 {
			return nil, "each condition is FIELD op VALUE, joined by and"
		}
		c := condition{field: toks[i], op: strings.ToLower(toks[i+1]), value: toks[i+2]}
		if !slices.Contains(fields, c.field) {
			return nil, "unknown field " + strconv.Quote(c.field) + " (one of " + strings.Join(fields, ", ") + ")"
		}
		if !slices.Contains(operators, c.op) {
			return nil, "unknown operator " + strconv.Quote(c.op) + " (" + strings.Join(operators, ", ") + ")"
		}
		out = append(out, c)
		i += 3
		if i < len(toks) {
			if !strings.EqualFold(toks[i], "and") {
				return nil, "conditions are joined by and, got " + strconv.Quote(toks[i])
			}
			i++
			if i == len(toks) {
				return nil, "a condition must follow and"
			}
		}
	}
	return out, ""
}

func tokenize(s string) ([]string, string) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, "unterminated quote"
			}
			toks = append(toks, s[i+1:i+1+end])
			i += end + 2
		default:
			end := strings.IndexByte(s[i:], ' ')
			if end < 0 {
				end = len(s) - i
			}
			toks = append(toks, s[i:i+end])
			i += end
		}
	}
	return toks, ""
}

// apply filters, searches, orders and pages items; it returns the count
// that matched before paging, and the page.
func (lq listQuery) apply(items []map[string]any) (int, []map[string]any) {
	var kept []map[string]any
	for _, it := range items {
		if lq.matches(it) {
			kept = append(kept, it)
		}
	}
	if lq.orderBy != "" {
		slices.SortStableFunc(kept, func(a, b map[string]any) int {
			c := compare(a[lq.orderBy], b[lq.orderBy])
			if lq.desc {
				return -c
			}
			return c
		})
	}
	n := len(kept)
	if lq.skip >= n {
		return n, []map[string]any{}
	}
	kept = kept[lq.skip:]
	if len(kept) > lq.top {
		kept = kept[:lq.top]
	}
	return n, kept
}

func (lq listQuery) matches(it map[string]any) bool {
	if lq.search != "" {
		hay := strings.ToLower(text(it["name"]) + "\x00" + text(it["number"]))
		if !strings.Contains(hay, lq.search) {
			return false
		}
	}
	for _, c := range lq.filters {
		v := it[c.field]
		cmp := compare(v, c.value)
		ok := false
		switch c.op {
		case "eq":
			ok = cmp == 0
		case "ne":
			ok = cmp != 0
		case "gt":
			ok = cmp > 0
		case "ge":
			ok = cmp >= 0
		case "lt":
			ok = cmp < 0
		case "le":
			ok = cmp <= 0
		case "contains":
			ok = strings.Contains(strings.ToLower(text(v)), strings.ToLower(c.value))
		case "startswith":
			ok = strings.HasPrefix(strings.ToLower(text(v)), strings.ToLower(c.value))
		}
		if !ok {
			return false
		}
	}
	return true
}

// compare orders two values: numerically when both read as numbers,
// booleans false < true, else as text.
func compare(a, b any) int {
	ta, tb := text(a), text(b)
	fa, ea := strconv.ParseFloat(ta, 64)
	fb, eb := strconv.ParseFloat(tb, 64)
	if ea == nil && eb == nil {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(ta, tb)
}

// text renders a JSON value for comparison.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// asMaps renders objects as JSON maps, the form lists filter on.
func asMaps[T any](list []T) []map[string]any {
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		b, _ := json.Marshal(v)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		out = append(out, m)
	}
	return out
}
