package config

import (
	"os"

	"github.com/ringd/ringd/engine"
)

// Parse decodes a config file and runs the config layer's checks
// (Validate); it does not compile the routing configuration. The error, if
// any, is Problems: every problem in the file, in file order.
func Parse(data []byte) (*Config, error) {
	c, ps := decode(data)
	if c == nil {
		return nil, ps
	}
	if ps = ps.and(c.validate()).finish(c.written); len(ps) > 0 {
		return nil, ps
	}
	return c, nil
}

// Load reads, checks and compiles the config file at path. Every problem,
// the config layer's and the engine's, comes back together as Problems.
func Load(path string) (*Config, *engine.Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return load(data)
}

func load(data []byte) (*Config, *engine.Snapshot, error) {
	c, ps := decode(data)
	if c == nil {
		return nil, nil, ps
	}
	snap, err := c.compile(nil, ps)
	if err != nil {
		return nil, nil, err
	}
	return c, snap, nil
}

// Compile checks the configuration (Validate) and compiles its routing
// part with engine.Compile, keeping the IDs prev (may be nil) gave. All
// problems come back together as Problems; an invalid configuration never
// yields a Snapshot.
func (c *Config) Compile(prev *engine.Snapshot) (*engine.Snapshot, error) {
	return c.compile(prev, nil)
}

func (c *Config) compile(prev *engine.Snapshot, ps Problems) (*engine.Snapshot, error) {
	ps = ps.and(c.validate())
	snap, err := engine.Compile(c.Spec(), prev)
	ps = ps.and(engineProblems(err)).finish(c.written)
	if len(ps) > 0 {
		return nil, ps
	}
	return snap, nil
}
