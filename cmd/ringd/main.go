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
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(runCommand(os.Args[1:], os.Stdout, os.Stderr))
}

// runCommand is main without the process: it runs the command that args
// name (serve when they name none) and returns the exit code.
func runCommand(args []string, stdout, stderr io.Writer) int {
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
  ringd serve [-config FILE] [-cpuprofile FILE]
                             serve a config file (and profile the run)
  ringd check -config FILE   validate a config file: every problem with its path, exit 1 if any
  ringd version              print the version
`)
}
