package tool

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Flags is the flag set of tool name: errors and -h (usage, then every
// flag) go to stderr.
func Flags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ringbench "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	return fs
}

// Parse parses a tool's flags; !ok means return code at once (0 for -h,
// 2 for bad flags or stray arguments).
func Parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args(), " "))
		return 2, false
	}
	return 0, true
}
