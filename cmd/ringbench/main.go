// Command ringbench is ringd's SIP load generator: member agents answer,
// a caller places calls to a ring group at a fixed rate or on a ramp, and
// the run ends with a summary (and -json). The work lives in package bench
// and its sub-packages; this file maps the command line to bench.Run, or
// to one of the tools bench.LookupTool finds (ringbench rtp-listen, tone,
// torture, udp-sink). See ringbench -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ringd/ringd/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }() // a second Ctrl-C kills at once
	if len(os.Args) > 1 {
		if tool, ok := bench.LookupTool(os.Args[1]); ok {
			os.Exit(tool(ctx, os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	cfg, err := bench.ParseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ringbench:", err)
		os.Exit(2)
	}
	if _, err := bench.Run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ringbench:", err)
		os.Exit(1)
	}
}
