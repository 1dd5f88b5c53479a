// Command ringd is the call-routing engine's server: SIP proxy and
// registrar with ring-group strategies (SPEC §7).
//
//	ringd                        serve ./ringd.yaml, or the embedded demo config
//	ringd serve -config FILE     serve FILE
//	ringd check -config FILE     validate FILE, print every problem, exit 1 if any
//	ringd version
//
// main only wires things together: the logic lives in config, sip and engine.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(args, stdout, stderr)
	case "check":
		return checkCmd(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "ringd", version())
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "ringd: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  ringd                      serve ./ringd.yaml if present, else the embedded demo config
  ringd serve [-config FILE] serve a config file
  ringd check -config FILE   validate a config file: every problem with its path, exit 1 if any
  ringd version              print the version
`)
}

// configFlag parses the -config flag of serve and check.
func configFlag(name string, args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet("ringd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (YAML)")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", errors.New("unexpected arguments: " + fmt.Sprint(fs.Args()))
	}
	return *path, nil
}
