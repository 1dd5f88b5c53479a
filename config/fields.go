package config

import (
	"reflect"
	"strings"
	"sync"
)

// field is a key of a model struct: its yaml name, the aliases it also
// answers to, and the struct field it fills.
type field struct {
	name    string
	aliases []string
	index   int
}

type fieldList []field

// lookup returns the position of the field a key names (by name or alias),
// or -1.
func (fl fieldList) lookup(key string) int {
	for i, f := range fl {
		if f.name == key || contains(f.aliases, key) {
			return i
		}
	}
	return -1
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var fieldCache sync.Map // reflect.Type -> fieldList

// fieldsOf lists the yaml keys of a model struct in declaration order.
func fieldsOf(t reflect.Type) fieldList {
	if fl, ok := fieldCache.Load(t); ok {
		return fl.(fieldList)
	}
	var fl fieldList
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f := field{name: name, index: i}
		if a := sf.Tag.Get("alias"); a != "" {
			f.aliases = strings.Split(a, ",")
		}
		fl = append(fl, f)
	}
	fieldCache.Store(t, fl)
	return fl
}
