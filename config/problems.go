package config

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/engine"
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	Path    string // "ring_groups[0].members[1].extension"; "" for the file as a whole
	Message string
	Line    int // line in the file when the problem is about how it is written, else 0
}

func (p Problem) String() string {
	s := p.Message
	if p.Path != "" {
		s = p.Path + ": " + s
	}
	if p.Line > 0 {
		s += " (line " + strconv.Itoa(p.Line) + ")"
	}
	return s
}

// Problems is every problem found in a configuration, in file order. It is
// the error that Parse, Load and Compile return; use errors.As to get it.
type Problems []Problem

// Error renders one "path: message" per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

func (ps *Problems) add(path, msg string) { *ps = append(*ps, Problem{Path: path, Message: msg}) }

// err returns ps as an error, or nil when there are none.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// engineProblems turns the FieldErrors of engine.Compile into Problems. Its
// paths are the file's, except the domain, which lives in the sip section.
func engineProblems(err error) Problems {
	if err == nil {
		return nil
	}
	var fes engine.FieldErrors
	if !errors.As(err, &fes) {
		return Problems{{Message: err.Error()}}
	}
	ps := make(Problems, 0, len(fes))
	for _, fe := range fes {
		path := fe.Path
		if path == "domain" {
			path = "sip.domain"
		}
		ps = append(ps, Problem{Path: path, Message: fe.Message})
	}
	return ps
}

// and adds the problems a later stage found (validation after decoding,
// the engine after validation), leaving out those at or under a path that
// already has a problem: the earlier stage said it first and better
// (`unknown strategy "ringall"` rather than the engine's `unknown
// strategy`; a value that did not decode rather than complaints about the
// zero value it left behind).
func (ps Problems) and(later Problems) Problems {
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if p.Path != "" {
			seen[p.Path] = true
		}
	}
	for _, p := range later {
		if !underAny(p.Path, seen) {
			ps = append(ps, p)
		}
	}
	return ps
}

func underAny(path string, paths map[string]bool) bool {
	for i := 1; i <= len(path); i++ {
		if (i == len(path) || path[i] == '.' || path[i] == '[') && paths[path[:i]] {
			return true
		}
	}
	return false
}

// finish rewrites the paths of keys spelled with an alias as written and
// sorts the problems in file order: by section, then index, then key in the
// model's order (keys the model does not know after those it does), keeping
// the order of problems at the same path.
func (ps Problems) finish(written map[string]string) Problems {
	for i := range ps {
		p := ps[i].Path
		for j := len(p); j > 0; j-- {
			if j < len(p) && p[j] != '.' && p[j] != '[' {
				continue
			}
			if as, ok := written[p[:j]]; ok {
				ps[i].Path = as + p[j:]
				break
			}
		}
	}
	keys := make(map[string][]int, len(ps))
	for _, p := range ps {
		if _, ok := keys[p.Path]; !ok {
			keys[p.Path] = pathKey(p.Path)
		}
	}
	slices.SortStableFunc(ps, func(a, b Problem) int { return slices.Compare(keys[a.Path], keys[b.Path]) })
	return ps
}

// unknownRank sorts keys the model does not know after the ones it does.
const unknownRank = 1 << 20

// pathKey turns a path into its sort key: for each name, its field's
// position in the model; for each [i], i. The root sorts first.
func pathKey(path string) []int {
	var key []int
	t := reflect.TypeFor[Config]()
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(key, unknownRank)
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				n = unknownRank
			}
			key = append(key, n)
			path = path[end+1:]
			if t != nil && t.Kind() == reflect.Slice {
				t = t.Elem()
			} else {
				t = nil
			}
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			rank := unknownRank
			if t != nil && t.Kind() == reflect.Struct {
				fl := fieldsOf(t)
				if i := fl.lookup(path[:end]); i >= 0 {
					rank = i
					t = t.Field(fl[i].index).Type
				} else {
					t = nil
				}
			}
			key = append(key, rank)
			path = path[end:]
		}
	}
	return key
}
