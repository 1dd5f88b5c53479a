package config

import (
	"net/url"
	"regexp"
	"strings"
)

// ClusterConfig is the cluster section (SPEC §12): this process is node
// Node of a cluster whose shared member state lives in Redis and whose
// configuration lives in the shared PostgreSQL store.
type ClusterConfig struct {
	Node  string `yaml:"node" json:"node"`   // this node's name, unique in the cluster
	Redis string `yaml:"redis" json:"redis"` // redis://[user:password@]host:port[/db], or rediss:// for TLS
}

var nodeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// checkCluster checks the cluster section: a node name, a Redis URL, and
// a store the nodes share (PostgreSQL: a SQLite file or memory is one
// node's own).
func (c *Config) checkCluster(ps *Problems) {
	cl := c.Cluster
	if cl == nil {
		return
	}
	if !nodeName.MatchString(cl.Node) {
		ps.add("cluster.node", "must be a name of 1-64 letters, digits, '.', '_' or '-' (like \"node1\"), unique in the cluster")
	}
	if u, err := url.Parse(cl.Redis); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		// The URL is not echoed: it may hold a password.
		ps.add("cluster.redis", "must be a URL like \"redis://127.0.0.1:6379/0\"")
	}
	if scheme, _, _ := strings.Cut(c.Store, ":"); scheme != "postgres" && scheme != "postgresql" {
		ps.add("store", "a cluster needs a store every node shares: postgres://... (sqlite: and memory: are one node's own)")
	}
}
