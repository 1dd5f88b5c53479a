package main

import (
	"fmt"
	"io"

	"github.com/ringd/ringd/config"
)

// checkCmd validates a config file and prints every problem with its path.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fl, err := parseFlags("check", args, stderr)
	path := fl.config
	if err != nil {
		fmt.Fprintln(stderr, "ringd check:", err)
		return 2
	}
	if path == "" {
		fmt.Fprintln(stderr, "ringd check: -config FILE is required")
		return 2
	}
	cfg, _, err := config.Load(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s:\n%v\n", path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok (%d extensions, %d ring groups, %d schedules)\n",
		path, len(cfg.Extensions), len(cfg.RingGroups), len(cfg.Schedules))
	return 0
}
