package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flags are the options of serve and check.
type flags struct {
	config     string // -config FILE
	cpuProfile string // -cpuprofile FILE (serve): a CPU profile of the whole run
}

// parseFlags parses the flags of serve and check.
func parseFlags(name string, args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("ringd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "config file (YAML)")
	if name == "serve" {
		fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, errors.New("unexpected arguments: " + fmt.Sprint(fs.Args()))
	}
	return f, nil
}
