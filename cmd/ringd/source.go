package main

import (
	"os"

	"github.com/ringd/ringd/config"
)

// source reads the config file being served: a file, or the demo.
type source struct {
	path string // "" for the embedded demo config
}

func (s source) read() (*config.Config, error) {
	data := config.DemoYAML
	if s.path != "" {
		var err error
		if data, err = os.ReadFile(s.path); err != nil {
			return nil, err
		}
	}
	return config.Parse(data)
}

func (s source) String() string {
	if s.path == "" {
		return "embedded demo config"
	}
	return s.path
}
