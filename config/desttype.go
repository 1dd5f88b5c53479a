package config

import (
	"strings"

	"github.com/ringd/ringd/engine"
)

// parseDestType parses a destination type name, ignoring case.
func parseDestType(name string) (engine.DestType, bool) {
	return engine.ParseDestType(strings.ToLower(strings.TrimSpace(name)))
}

// destTypeNames lists the destination types: "end_call, extension, ...".
func destTypeNames() string {
	var names []string
	for t := engine.DestEndCall; ; t++ {
		if _, ok := engine.ParseDestType(t.String()); !ok {
			break
		}
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}
