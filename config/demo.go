package config

import (
	_ "embed"

	"github.com/ringd/ringd/engine"
)

// DemoYAML is the configuration ringd serves when started without a config
// file (SPEC §7): SIP on 127.0.0.1:5060 (UDP and TCP), the admin API on
// 127.0.0.1:8080, SQLite ringd.db, extensions 1001-1004 and 1099, and one
// ring group per common strategy (6000-6005).
//
//go:embed demo.yaml
var DemoYAML []byte

// Demo parses and compiles DemoYAML.
func Demo() (*Config, *engine.Snapshot, error) { return load(DemoYAML) }
