package config

import (
	"slices"
	"testing"
)

// cluster: a node name, a Redis URL, and a store the nodes share.
func TestClusterSection(t *testing.T) {
	mustLoad(t, minimal+`store: "postgres://ringd:pw@127.0.0.1:5432/ringd"
cluster: { node: node-1, redis: "redis://127.0.0.1:6379/0" }
`)
	got := loadProblems(t, minimal+`cluster: { node: "no spaces", redis: "127.0.0.1:6379" }
`)
	for _, w := range []string{
		`cluster.node: must be a name of 1-64 letters, digits, '.', '_' or '-' (like "node1"), unique in the cluster`,
		`cluster.redis: must be a URL like "redis://127.0.0.1:6379/0"`,
		`store: a cluster needs a store every node shares: postgres://... (sqlite: and memory: are one node's own)`,
	} {
		if !slices.Contains(got, w) {
			t.Errorf("missing problem %q in\n%q", w, got)
		}
	}
}
