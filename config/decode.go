package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decode reads a config file into a Config. It walks the yaml.Node tree
// against the model's yaml tags itself, rather than leaving it to
// yaml.Decoder with KnownFields(true), so that it can report every unknown
// key, duplicate key and mistyped value at once, each with its path and
// line, and accept numbers where the model has strings ("number: 1001").
//
// A nil Config means the file is not a YAML mapping at all; otherwise
// the Config holds whatever could be decoded, and the problems say what
// could not.
func decode(data []byte) (*Config, Problems) {
	root, ps := parseYAML(data)
	if ps != nil {
		return nil, ps
	}
	c := &Config{}
	d := decoder{expanding: map[*yaml.Node]bool{}, written: map[string]string{}}
	if root != nil {
		if root.Kind != yaml.MappingNode && root.ShortTag() != "!!null" {
			return nil, Problems{{Message: "a config file is a mapping of sections (sip:, http:, ring_groups:, ...), found " + describe(root), Line: root.Line}}
		}
		d.value("", root, reflect.ValueOf(c).Elem())
	}
	if len(d.written) > 0 {
		c.written = d.written
	}
	return c, d.problems
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parseYAML parses data into the root node of its one document (nil for an
// empty file), or reports why it cannot.
func parseYAML(data []byte) (root *yaml.Node, ps Problems) {
	defer func() {
		if r := recover(); r != nil { // yaml.v3 should not panic; never let it take ringd down
			root, ps = nil, Problems{{Message: fmt.Sprint("yaml: ", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Problems{syntaxProblem(err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, Problems{syntaxProblem(err)}
	default:
		return nil, Problems{{Message: "a config file holds one YAML document, found another", Line: next.Line}}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func syntaxProblem(err error) Problem {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Message: "yaml: " + msg[len(m[0]):], Line: line}
	}
	return Problem{Message: msg}
}

// maxAliasVisits bounds how many nodes may be reached through aliases, so
// that a file of nested aliases ("billion laughs") cannot exhaust memory.
const maxAliasVisits = 100_000

type decoder struct {
	problems  Problems
	written   map[string]string
	expanding map[*yaml.Node]bool // aliases being followed, to catch cycles
	inAlias   int                 // depth of alias expansion
	visits    int                 // nodes reached through aliases
	exhausted bool
}

func (d *decoder) fail(path string, n *yaml.Node, msg string) {
	d.problems = append(d.problems, Problem{Path: path, Message: msg, Line: n.Line})
}

// enter starts following alias n; it reports false (and a problem) when n
// is already being followed, that is when the alias refers to itself.
func (d *decoder) enter(path string, n *yaml.Node) bool {
	if d.expanding[n] || n.Alias == nil {
		d.fail(path, n, "alias *"+n.Value+" refers to itself")
		return false
	}
	d.expanding[n] = true
	d.inAlias++
	return true
}

func (d *decoder) leave(n *yaml.Node) {
	delete(d.expanding, n)
	d.inAlias--
}

// visit counts a node reached through an alias and reports false once the
// budget is spent.
func (d *decoder) visit(n *yaml.Node) bool {
	if d.exhausted {
		return false
	}
	if d.inAlias > 0 {
		d.visits++
		if d.visits > maxAliasVisits {
			d.exhausted = true
			d.fail("", n, "too many nodes reached through aliases")
			return false
		}
	}
	return true
}

type defaulter interface{ setDefaults() }

// value fills v, a model value at path, from n.
func (d *decoder) value(path string, n *yaml.Node, v reflect.Value) {
	if !d.visit(n) {
		return
	}
	if n.Kind == yaml.AliasNode {
		if d.enter(path, n) {
			d.value(path, n.Alias, v)
			d.leave(n)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value leaves the default
	}
	for v.Kind() == reflect.Pointer { // an optional value: set, even to zero or []
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(path, n, v)
	case reflect.Slice:
		d.sequence(path, n, v)
	default:
		d.scalar(path, n, v)
	}
}

func (d *decoder) mapping(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(path, n, "must be a mapping of keys to values, found "+describe(n))
		return
	}
	d.fill(path, n, v, fieldsOf(v.Type()), map[int]*yaml.Node{}, false)
}

// fill sets the fields of v from the keys of mapping n. set records which
// field each key filled; merged keys (from "<<: *anchor") only fill fields
// that no explicit key did.
func (d *decoder) fill(path string, n *yaml.Node, v reflect.Value, fl fieldList, set map[int]*yaml.Node, merged bool) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.visit(k) {
			return
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, val)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(path, k, "keys must be plain names, found "+describe(k))
			continue
		}
		at := join(path, k.Value)
		f := fl.lookup(k.Value)
		if f < 0 {
			d.fail(at, k, "unknown field")
			continue
		}
		if first, dup := set[f]; dup {
			switch {
			case merged:
			case first.Value == k.Value:
				d.fail(at, k, fmt.Sprintf("duplicate key, first at line %d", first.Line))
			default:
				d.fail(at, k, fmt.Sprintf("same field as %s, set at line %d", first.Value, first.Line))
			}
			continue
		}
		set[f] = k
		native := join(path, fl[f].name)
		if k.Value != fl[f].name {
			d.written[native] = at
		}
		d.value(native, val, v.Field(fl[f].index))
	}
	for _, m := range merges {
		d.merge(path, m, v, fl, set)
	}
}

// merge applies a merge key's value: a mapping, an alias of one, or a list
// of those (earlier ones win).
func (d *decoder) merge(path string, n *yaml.Node, v reflect.Value, fl fieldList, set map[int]*yaml.Node) {
	if !d.visit(n) {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		if d.enter(path, n) {
			d.merge(path, n.Alias, v, fl, set)
			d.leave(n)
		}
	case yaml.MappingNode:
		d.fill(path, n, v, fl, set, true)
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.SequenceNode {
				d.fail(path, item, "<< takes a mapping or a list of mappings")
				continue
			}
			d.merge(path, item, v, fl, set)
		}
	default:
		d.fail(path, n, "<< takes a mapping or a list of mappings, found "+describe(n))
	}
}

func (d *decoder) sequence(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.fail(path, n, "must be a list, found "+describe(n))
		return
	}
	if len(n.Content) == 0 {
		return // an empty list is a nil slice, as when the key is left out
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		e := reflect.New(v.Type().Elem())
		if df, ok := e.Interface().(defaulter); ok {
			df.setDefaults()
		}
		d.value(index(path, i), item, e.Elem())
		out = reflect.Append(out, e.Elem())
	}
	v.Set(out)
}

func (d *decoder) scalar(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.fail(path, n, "must be a single value, found "+describe(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value) // numbers keep their text: 1001 is "1001"
	case reflect.Int:
		i, ok := scalarInt(n)
		switch {
		case !ok:
			d.fail(path, n, "must be a whole number, got "+strconv.Quote(n.Value))
		case i < math.MinInt32 || i > math.MaxInt32:
			d.fail(path, n, "number out of range: "+n.Value)
		default:
			v.SetInt(i)
		}
	case reflect.Bool:
		b, ok := scalarBool(n)
		if !ok {
			d.fail(path, n, "must be true or false, got "+strconv.Quote(n.Value))
			return
		}
		v.SetBool(b)
	}
}

// scalarInt reads an integer written as a YAML number or a quoted string.
func scalarInt(n *yaml.Node) (int64, bool) {
	if n.ShortTag() == "!!int" {
		var i int64
		return i, n.Decode(&i) == nil
	}
	i, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return i, err == nil
}

// scalarBool reads true/false, and the yes/no, on/off and 1/0 that
// administrators (and YAML 1.1, and Yeastar's API) also write.
func scalarBool(n *yaml.Node) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(n.Value)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return strconv.Quote(n.Value)
}
